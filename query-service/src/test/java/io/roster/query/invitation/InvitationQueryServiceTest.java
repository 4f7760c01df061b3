package io.roster.query.invitation;

import io.roster.events.EncryptedSecret;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.notification.NotificationKind;
import io.roster.events.notification.NotificationSent;
import io.roster.query.AbstractServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * The invitations list: invitation events and the notification service's NotificationSent meet in one
 * row whatever order they arrive in, and only the organization's admins read it.
 */
class InvitationQueryServiceTest extends AbstractServiceTest {

    private final UUID org = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();
    private final UUID member = UUID.randomUUID();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Test
    void statusesResendCountAndLastSentAtFollowTheEventsInEitherOrder() {
        publish(log.organizationCreated(org, "Invites Inc"), log.memberAdded(org, admin, List.of("admin")),
                log.memberAdded(org, member, List.of("member")));
        UUID ann = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        // Bob's email went out before his invitation reached the query service: a different topic, a different partition
        publish(log.next(sent(bob, now.plusSeconds(1))));
        publish(log.next(issued(ann, "Ann@Example.io")), log.next(issued(bob, "bob@example.io")),
                log.next(sent(ann, now.plusSeconds(2))),
                log.next(new InvitationResent(UUID.randomUUID(), now.plusSeconds(3), org, admin, ann, "Ann@Example.io",
                        now.plus(3, ChronoUnit.DAYS), "b".repeat(64), new EncryptedSecret("k", "c2VhbGVk"), 1)),
                log.next(sent(ann, now.plusSeconds(4))));
        String consistency = publish(log.next(new InvitationRevoked(UUID.randomUUID(), now.plusSeconds(5), org, admin, bob, "bob@example.io")));

        get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/invitations", org)
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.items[0].email").isEqualTo("Ann@Example.io")
                .jsonPath("$.items[0].status").isEqualTo("pending")
                .jsonPath("$.items[0].resendCount").isEqualTo(1)
                .jsonPath("$.items[0].lastSentAt").isEqualTo(now.plusSeconds(4).toString())
                .jsonPath("$.items[0].invitedBy").isEqualTo(admin.toString())
                .jsonPath("$.items[1].status").isEqualTo("revoked")
                .jsonPath("$.items[1].lastSentAt").isEqualTo(now.plusSeconds(1).toString())
                .jsonPath("$..token").doesNotExist()
                .jsonPath("$..tokenHash").doesNotExist();

        get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/invitations?status=revoked", org)
                .expectStatus().isOk().expectBody().jsonPath("$.items[*].email").isEqualTo(List.of("bob@example.io"));
        get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/invitations?email=ANN@example.io", org)
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(1);
        get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/invitations?limit=1", org)
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(1).jsonPath("$.nextCursor").isNotEmpty();
        // refusals answer at once: the rows were read above
        get(tokenOf(member), null, "/api/v1/organizations/{org}/invitations", org)
                .expectStatus().isForbidden().expectBody().jsonPath("$.code").isEqualTo("forbidden");
        get(tokenOf(UUID.randomUUID()), null, "/api/v1/organizations/{org}/invitations", org)
                .expectStatus().isNotFound();
        get(providerAdminToken(), consistency, "/api/v1/organizations/{org}/invitations", org).expectStatus().isOk();
        get(tokenOf(admin), null, "/api/v1/organizations/{org}/invitations?status=lost", org)
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[0].field").isEqualTo("status");
        // a cursor this list never issued: not base64, and a well-formed one whose row id is not an invitation id
        String foreign = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("ann@example.io\n" + org + ":" + admin).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        for (String cursor : List.of("%%%", foreign)) {
            get(tokenOf(admin), null, "/api/v1/organizations/{org}/invitations?cursor={cursor}", org, cursor)
                    .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("cursor");
        }
    }

    @Test
    void anInvitationWhoseEmailWasReadFirstIsPendingWithNoResends() {
        publish(log.organizationCreated(org, "Early Mail Co"), log.memberAdded(org, admin, List.of("admin")));
        UUID cleo = UUID.randomUUID();
        // nothing after the InvitationIssued sets the status: the row the NotificationSent created must already have it
        String emailRead = publish(log.next(sent(cleo, now.plusSeconds(1))));
        get(tokenOf(admin), emailRead, "/api/v1/organizations/{org}/invitations", org).expectStatus().isOk();
        String consistency = publish(log.next(issued(cleo, "cleo@example.io")));

        get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/invitations?status=pending", org)
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items[*].email").isEqualTo(List.of("cleo@example.io"))
                .jsonPath("$.items[0].resendCount").isEqualTo(0)
                .jsonPath("$.items[0].lastSentAt").isEqualTo(now.plusSeconds(1).toString());
    }

    @Test
    void pendingInviteesAreListedAsMembersUntilTheyAcceptAndNeverTwice() {
        publish(log.organizationCreated(org, "Pending Co"), log.memberAdded(org, admin, List.of("admin")));
        UUID carla = UUID.randomUUID();
        UUID dave = UUID.randomUUID();
        UUID carlaUser = UUID.randomUUID();
        String consistency = publish(log.next(issued(carla, "carla@example.io")), log.next(issued(dave, "dave@example.io")));
        get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/members?status=pending", org)
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items[*].email").isEqualTo(List.of("carla@example.io", "dave@example.io"))
                .jsonPath("$.items[0].status").isEqualTo("pending")
                .jsonPath("$.items[0].invitedAt").isEqualTo(now.toString())
                .jsonPath("$.items[0].roles[0]").isEqualTo("member");
        get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/members?q=CAR", org)
                .expectStatus().isOk().expectBody().jsonPath("$.items[*].email").isEqualTo(List.of("carla@example.io"));

        // Carla accepts and the identity service adds her; Dave's invitation expires, then is resent
        publish(log.next(new InvitationAccepted(UUID.randomUUID(), now, org, carlaUser, carla, carlaUser, "carla@example.io",
                        List.of("member"), List.of())),
                log.userRegistered(carlaUser, "carla@example.io", "Carla", "C"),
                log.next(new MemberAdded(UUID.randomUUID(), now, org, carlaUser, carlaUser, List.of("member"), List.of(),
                        JoinPath.INVITATION, carla)),
                log.next(new InvitationExpired(UUID.randomUUID(), now, org, null, dave, "dave@example.io")));
        consistency = publish();
        get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/members", org)
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items[?(@.email == 'carla@example.io')].status").isEqualTo(List.of("active"))
                .jsonPath("$.items[?(@.email == 'dave@example.io')]").isEmpty();

        consistency = publish(log.next(new InvitationResent(UUID.randomUUID(), now.plusSeconds(9), org, admin, dave,
                "dave@example.io", now.plus(3, ChronoUnit.DAYS), "d".repeat(64), new EncryptedSecret("k", "c2VhbGVk"), 1)));
        get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/members?status=pending", org)
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items[*].email").isEqualTo(List.of("dave@example.io"))
                .jsonPath("$.items[0].invitedAt").isEqualTo(now.plusSeconds(9).toString());
    }

    private InvitationIssued issued(UUID invitationId, String email) {
        return new InvitationIssued(UUID.randomUUID(), now, org, admin, invitationId, email, null, null, List.of("member"),
                List.of(), now.plus(3, ChronoUnit.DAYS), "a".repeat(64), new EncryptedSecret("k", "c2VhbGVk"), null);
    }

    private NotificationSent sent(UUID invitationId, Instant at) {
        return new NotificationSent(UUID.randomUUID(), at, org, null, UUID.randomUUID(), UUID.randomUUID(),
                NotificationKind.INVITATION, "someone@example.io", invitationId, 1, true);
    }
}

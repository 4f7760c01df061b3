package io.roster.query.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.EncryptedSecret;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationUpdated;
import io.roster.query.AbstractServiceTest;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Issue 17 item 10 in the admins' lists: pending invitations and links show their membership terms
 * ({@code membershipExpiresAt} or {@code membershipDays}) as the latest event states them, and an invitation or link
 * without terms (a v1 event's) shows both null.
 */
class MembershipTermsQueryServiceTest extends AbstractServiceTest {

    private static final Logger logger = LoggerFactory.getLogger(MembershipTermsQueryServiceTest.class);
    private static final EncryptedSecret SEALED = new EncryptedSecret("k", "c2VhbGVk");

    private final UUID org = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private final Instant end = now.plus(200, ChronoUnit.DAYS);

    @Test
    void invitationsAndLinksListTheirTermsAsTheLatestEventStatesThem() {
        publish(log.organizationCreated(org, "Terms Query Co"), log.memberAdded(org, admin, List.of("admin")));
        UUID days = UUID.randomUUID();
        UUID dated = UUID.randomUUID();
        UUID none = UUID.randomUUID();
        UUID linkDays = UUID.randomUUID();
        UUID linkDated = UUID.randomUUID();
        String consistency = publish(
                log.next(issued(days, "days@terms.io", null, 30)),
                log.next(issued(dated, "dated@terms.io", null, 10)),
                log.next(new InvitationUpdated(UUID.randomUUID(), now.plusSeconds(1), org, admin, dated, "dated@terms.io",
                        List.of("member"), List.of(), now.plus(3, ChronoUnit.DAYS), end, null)),
                log.next(new InvitationIssued(UUID.randomUUID(), now, org, admin, none, "none@terms.io", null, null,
                        List.of("member"), List.of(), now.plus(3, ChronoUnit.DAYS), "a".repeat(64), SEALED, null)),
                log.next(linkCreated(linkDays, "Days link", null, 365)),
                log.next(linkCreated(linkDated, "Dated link", end, null)),
                log.next(new InvitationLinkUpdated(UUID.randomUUID(), now.plusSeconds(1), org, admin, linkDated, "Dated link",
                        null, List.of(), null, null, List.of("member"), List.of(), null, 14)));

        JsonNode invitations = get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/invitations", org)
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
        JsonNode links = get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/invitation-links", org)
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();

        List<String> rows = new ArrayList<>();
        invitations.get("items").forEach(item -> rows.add(item.get("email").asText() + " " + item.get("membershipExpiresAt")
                + " " + item.get("membershipDays")));
        links.get("items").forEach(item -> rows.add(item.get("name").asText() + " " + item.get("membershipExpiresAt")
                + " " + item.get("membershipDays")));
        rows.forEach(row -> logger.info("membership terms listed: {}", row));

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(rows).containsExactly(
                "dated@terms.io \"" + end + "\" null",
                "days@terms.io null 30",
                "none@terms.io null null",
                "Dated link null 14",
                "Days link null 365");
        softly.assertAll();
    }

    private InvitationIssued issued(UUID invitationId, String email, Instant membershipExpiresAt, Integer membershipDays) {
        return new InvitationIssued(UUID.randomUUID(), now, org, admin, invitationId, email, null, null, List.of("member"),
                List.of(), now.plus(3, ChronoUnit.DAYS), "a".repeat(64), SEALED, null, membershipExpiresAt, membershipDays);
    }

    private InvitationLinkCreated linkCreated(UUID linkId, String name, Instant membershipExpiresAt, Integer membershipDays) {
        return new InvitationLinkCreated(UUID.randomUUID(), now, org, admin, linkId, name, null, List.of(), null, null,
                List.of("member"), List.of(), "c".repeat(64), SEALED, membershipExpiresAt, membershipDays);
    }
}

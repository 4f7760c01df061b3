package io.roster.invitation.invitation;

import io.roster.events.EncryptedSecret;
import io.roster.events.ProblemCode;
import io.roster.events.invitation.InvitationAcceptRejected;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationDeclined;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationUpdated;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.kit.web.RuleViolation;
import io.roster.testsupport.MutableClock;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;


/** The rules of a personal invitation: issue, resend, revoke, expiry and accept. */
class InvitationTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

    private final UUID invitationId = UUID.randomUUID();
    private final UUID organizationId = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();
    private final UUID invitee = UUID.randomUUID();
    private final EncryptedSecret sealed = new EncryptedSecret("k1", "c2VhbGVk");
    private final MutableClock clock = MutableClock.fixedAt(T0);
    private AggregateTestFixture<Invitation> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Invitation.class);
        fixture.registerInjectableResource(clock);
        for (Class<?> type : List.of(InvitationIssued.class, InvitationResent.class, InvitationRevoked.class,
                InvitationExpired.class, InvitationAccepted.class, InvitationAcceptRejected.class, InvitationDeclined.class, InvitationUpdated.class)) {
            fixture.registerIgnoredField(type, "eventId");
        }
    }

    private InvitationIssued issued() {
        return new InvitationIssued(UUID.randomUUID(), T0, organizationId, admin, invitationId, "ann@example.com",
                "Ann", null, List.of("member"), List.of(), T0.plus(Duration.ofHours(72)), "hash-1", sealed, null);
    }

    @Test
    void issuingRecordsOnlyTheHashAndTheSealedToken() {
        fixture.givenNoPriorActivity()
                .when(new IssueInvitationCommand(invitationId, organizationId, admin, "ann@example.com", "Ann", null,
                        List.of("member"), List.of(), T0.plus(Duration.ofHours(72)), "hash-1", sealed))
                .expectEvents(issued());
    }

    @Test
    void anInvitationMustExpireInTheFuture() {
        fixture.givenNoPriorActivity()
                .when(new IssueInvitationCommand(invitationId, organizationId, admin, "ann@example.com", null, null,
                        List.of("member"), List.of(), T0, "hash-1", sealed))
                .expectNoEvents()
                .expectException(code("validation_failed"));
    }

    @Test
    void resendRotatesTheTokenAndExtendsTheExpiryEvenWhenExpired() {
        clock.advance(Duration.ofHours(100));
        Instant now = T0.plus(Duration.ofHours(100));
        fixture.given(issued(), new InvitationExpired(UUID.randomUUID(), T0.plus(Duration.ofHours(72)), organizationId, null,
                        invitationId, "ann@example.com"))
                .when(new ResendInvitationCommand(invitationId, organizationId, admin, "hash-2", sealed))
                .expectEvents(new InvitationResent(null, now, organizationId, admin, invitationId, "ann@example.com",
                        now.plus(Duration.ofHours(72)), "hash-2", sealed, 1))
                .expectResultMessagePayload(new ResendOutcome(now.plus(Duration.ofHours(72))));
    }

    @Test
    void theOldTokenDiesWithAResend() {
        fixture.given(issued(), new InvitationResent(UUID.randomUUID(), T0, organizationId, admin, invitationId,
                        "ann@example.com", T0.plus(Duration.ofHours(72)), "hash-2", sealed, 1))
                .when(new AcceptInvitationCommand(invitationId, "hash-1", invitee, "ann@example.com"))
                .expectNoEvents()
                .expectException(code("invitation_not_found"));
    }

    /** Issue 17 item 4: a pending invitation's roles, teams and expiry are edited; accepting grants the edited ones. */
    @Test
    void anAdminEditsAPendingInvitationAndTheInviteeJoinsWithTheEditedTerms() {
        UUID team = UUID.randomUUID();
        Instant later = T0.plus(Duration.ofHours(200));
        InvitationUpdated updated = new InvitationUpdated(null, T0, organizationId, admin, invitationId, "ann@example.com",
                List.of("admin"), List.of(team), later);
        fixture.given(issued())
                .when(new UpdateInvitationCommand(invitationId, organizationId, admin, List.of("admin"), List.of(team), later))
                .expectEvents(updated);
        fixture.given(issued(), updated)
                .when(new UpdateInvitationCommand(invitationId, organizationId, admin, List.of("admin"), null, null))
                .expectNoEvents().expectSuccessfulHandlerExecution();
        fixture.given(issued(), updated)
                .when(new AcceptInvitationCommand(invitationId, "hash-1", invitee, "ann@example.com"))
                .expectEvents(new InvitationAccepted(null, T0, organizationId, invitee, invitationId, invitee, "ann@example.com",
                        List.of("admin"), List.of(team)));
        fixture.given(issued())
                .when(new UpdateInvitationCommand(invitationId, organizationId, admin, null, null, T0.minusSeconds(1)))
                .expectNoEvents().expectException(code("validation_failed"));
        fixture.given(issued())
                .when(new UpdateInvitationCommand(invitationId, organizationId, admin, null, null, T0.plus(Duration.ofHours(721))))
                .expectNoEvents().expectException(code("validation_failed"));
        fixture.given(issued(), new InvitationRevoked(UUID.randomUUID(), T0, organizationId, admin, invitationId, "ann@example.com"))
                .when(new UpdateInvitationCommand(invitationId, organizationId, admin, List.of("admin"), null, null))
                .expectNoEvents().expectException(code("invitation_revoked"));
        fixture.given(issued())
                .when(new UpdateInvitationCommand(invitationId, UUID.randomUUID(), admin, List.of("admin"), null, null))
                .expectNoEvents().expectException(code("not_found"));
    }

    /** Issue 17 item 7: the invitee declines with the token; a declined invitation is not accepted, but may be resent. */
    @Test
    void theInviteeDeclinesWithTheTokenOnceAndOnlyAResendMakesItAcceptableAgain() {
        InvitationDeclined declined = new InvitationDeclined(null, T0, organizationId, null, invitationId, "ann@example.com");
        fixture.given(issued())
                .when(new DeclineInvitationCommand(invitationId, "hash-1"))
                .expectEvents(declined);
        fixture.given(issued(), declined)
                .when(new DeclineInvitationCommand(invitationId, "hash-1"))
                .expectNoEvents().expectSuccessfulHandlerExecution();
        fixture.given(issued())
                .when(new DeclineInvitationCommand(invitationId, "a-guessed-hash"))
                .expectNoEvents().expectException(code("invitation_not_found"));
        fixture.given(issued(), declined)
                .when(new AcceptInvitationCommand(invitationId, "hash-1", invitee, "ann@example.com"))
                .expectNoEvents().expectException(code("invitation_declined"));
        fixture.given(issued(), new InvitationAccepted(UUID.randomUUID(), T0, organizationId, invitee, invitationId, invitee,
                        "ann@example.com", List.of("member"), List.of()))
                .when(new DeclineInvitationCommand(invitationId, "hash-1"))
                .expectNoEvents().expectException(code("invitation_used"));
        fixture.given(issued(), declined)
                .when(new ResendInvitationCommand(invitationId, organizationId, admin, "hash-2", sealed))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new InvitationResent(null, T0, organizationId, admin, invitationId, "ann@example.com",
                        T0.plus(Duration.ofHours(72)), "hash-2", sealed, 1));
        fixture.given(issued(), declined, new InvitationResent(UUID.randomUUID(), T0, organizationId, admin, invitationId,
                        "ann@example.com", T0.plus(Duration.ofHours(72)), "hash-2", sealed, 1))
                .when(new AcceptInvitationCommand(invitationId, "hash-2", invitee, "ann@example.com"))
                .expectEvents(new InvitationAccepted(null, T0, organizationId, invitee, invitationId, invitee, "ann@example.com",
                        List.of("member"), List.of()));
    }

    @Test
    void aRevokedInvitationCannotBeResentNorAccepted() {
        InvitationRevoked revoked = new InvitationRevoked(UUID.randomUUID(), T0, organizationId, admin, invitationId, "ann@example.com");
        fixture.given(issued(), revoked)
                .when(new ResendInvitationCommand(invitationId, organizationId, admin, "hash-2", sealed))
                .expectNoEvents().expectException(code("invitation_revoked"));
        fixture.given(issued(), revoked)
                .when(new AcceptInvitationCommand(invitationId, "hash-1", invitee, "ann@example.com"))
                .expectNoEvents().expectException(code("invitation_revoked"));
    }

    @Test
    void revokingTwiceRecordsOneRevocation() {
        fixture.given(issued())
                .when(new RevokeInvitationCommand(invitationId, organizationId, admin))
                .expectEvents(new InvitationRevoked(null, T0, organizationId, admin, invitationId, "ann@example.com"));
        fixture.given(issued(), new InvitationRevoked(UUID.randomUUID(), T0, organizationId, admin, invitationId, "ann@example.com"))
                .when(new RevokeInvitationCommand(invitationId, organizationId, admin))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    @Test
    void anInvitationOfAnotherOrganizationIsNotFound() {
        fixture.given(issued())
                .when(new RevokeInvitationCommand(invitationId, UUID.randomUUID(), admin))
                .expectNoEvents().expectException(code("not_found"));
    }

    @Test
    void expiryHappensOnlyWhenDueAndOnlyOnce() {
        fixture.given(issued())
                .when(new ExpireInvitationCommand(invitationId))
                .expectNoEvents().expectException(RuleViolation.class);
        clock.advance(Duration.ofHours(72));
        Instant due = T0.plus(Duration.ofHours(72));
        fixture.given(issued())
                .when(new ExpireInvitationCommand(invitationId))
                .expectEvents(new InvitationExpired(null, due, organizationId, null, invitationId, "ann@example.com"));
        fixture.given(issued(), new InvitationExpired(UUID.randomUUID(), due, organizationId, null, invitationId, "ann@example.com"))
                .when(new ExpireInvitationCommand(invitationId))
                .expectNoEvents().expectException(RuleViolation.class);
    }

    @Test
    void acceptingWithAnotherAddressIsRecordedAndConsumesNothing() {
        fixture.given(issued())
                .when(new AcceptInvitationCommand(invitationId, "hash-1", invitee, "Bob@Example.com"))
                .expectEvents(new InvitationAcceptRejected(null, T0, organizationId, invitee, invitationId, null, invitee,
                        "bob@example.com", "email_mismatch"))
                .expectResultMessagePayload(new AcceptOutcome(organizationId, ProblemCode.EMAIL_MISMATCH));
        fixture.given(issued(), new InvitationAcceptRejected(UUID.randomUUID(), T0, organizationId, invitee, invitationId, null,
                        invitee, "bob@example.com", "email_mismatch"))
                .when(new AcceptInvitationCommand(invitationId, "hash-1", invitee, " ANN@example.com "))
                .expectEvents(new InvitationAccepted(null, T0, organizationId, invitee, invitationId, invitee,
                        "ann@example.com", List.of("member"), List.of()));
    }

    @Test
    void acceptingAgainAsTheSameUserChangesNothingAndAnyoneElseFindsItUsed() {
        InvitationAccepted accepted = new InvitationAccepted(UUID.randomUUID(), T0, organizationId, invitee, invitationId,
                invitee, "ann@example.com", List.of("member"), List.of());
        fixture.given(issued(), accepted)
                .when(new AcceptInvitationCommand(invitationId, "hash-1", invitee, "ann@example.com"))
                .expectNoEvents()
                .expectResultMessagePayload(AcceptOutcome.accepted(organizationId, null));
        fixture.given(issued(), accepted)
                .when(new AcceptInvitationCommand(invitationId, "hash-1", UUID.randomUUID(), "ann@example.com"))
                .expectNoEvents().expectException(code("invitation_used"));
    }

    @Test
    void anInvitationPastItsExpiryCannotBeAcceptedEvenBeforeItsExpiredEvent() {
        clock.advance(Duration.ofHours(73));
        fixture.given(issued())
                .when(new AcceptInvitationCommand(invitationId, "hash-1", invitee, "ann@example.com"))
                .expectNoEvents().expectException(code("invitation_expired"));
    }

    @Test
    void anAddressWithoutADottedDomainIsNeverInvited() {
        fixture.givenNoPriorActivity()
                .when(new IssueInvitationCommand(invitationId, organizationId, admin, "ann@localhost", null, null,
                        List.of("member"), List.of(), T0.plusSeconds(3600), "hash-1", null, null))
                .expectNoEvents().expectException(code("validation_failed"));
    }

    private static Matcher<Throwable> code(String expected) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(Throwable item) {
                return item instanceof RuleViolation rule && rule.code().equals(expected);
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a RuleViolation with code " + expected);
            }
        };
    }
}

package io.roster.invitation.invitation;

import io.roster.events.EncryptedSecret;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationDeclined;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationReminderSent;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.invitation.InvitationUpdated;
import io.roster.kit.web.RuleViolation;
import io.roster.testsupport.MutableClock;
import org.assertj.core.api.SoftAssertions;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;


/**
 * Issue 17 item 6, the invitation's side: when a pending invitation is due its one reminder, with a fixed clock, and
 * that it is recorded once per sent link, never for an invitation that ended or expired.
 */
class InvitationReminderTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final String EMAIL = "ann@example.com";

    private final UUID invitationId = UUID.randomUUID();
    private final UUID organizationId = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();
    private final EncryptedSecret firstToken = new EncryptedSecret("k1", "Zmlyc3Q=");
    private final EncryptedSecret resentToken = new EncryptedSecret("k1", "cmVzZW50");
    private final MutableClock clock = MutableClock.fixedAt(T0);
    private AggregateTestFixture<Invitation> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Invitation.class);
        fixture.registerInjectableResource(clock);
        fixture.registerIgnoredField(InvitationReminderSent.class, "eventId");
    }

    private InvitationIssued issuedValidFor(Duration validity) {
        return new InvitationIssued(UUID.randomUUID(), T0, organizationId, admin, invitationId, EMAIL, "Ann", null,
                List.of("member"), List.of(), T0.plus(validity), "hash-1", firstToken, null);
    }

    private InvitationReminderSent reminder(Instant at, Instant expiresAt, EncryptedSecret token) {
        return new InvitationReminderSent(null, at, organizationId, null, invitationId, EMAIL, expiresAt, token);
    }

    @Test
    void theDueRuleIsTheWindowBeforeExpiryButNeverBeforeHalfway() {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(ReminderDue.at(T0, T0.plus(Duration.ofHours(72)), 24)).as("72 h valid, 24 h window")
                .isEqualTo(T0.plus(Duration.ofHours(48)));
        softly.assertThat(ReminderDue.at(T0, T0.plus(Duration.ofHours(10)), 24)).as("10 h valid, 24 h window: halfway")
                .isEqualTo(T0.plus(Duration.ofHours(5)));
        softly.assertThat(ReminderDue.at(T0, T0.plusSeconds(60), 24)).as("60 s valid: halfway").isEqualTo(T0.plusSeconds(30));
        softly.assertThat(ReminderDue.at(T0, T0.plus(Duration.ofHours(48)), 24)).as("48 h valid: both rules agree")
                .isEqualTo(T0.plus(Duration.ofHours(24)));
        softly.assertThat(ReminderDue.atOrNull(T0, T0.plus(Duration.ofHours(48)), null)).as("reminders off").isNull();
        softly.assertAll();
    }

    @Test
    void aRemindIsRefusedJustBeforeTheDueInstantAndRecordedAtIt() {
        clock.set(T0.plus(Duration.ofHours(48)).minusSeconds(1));
        fixture.given(issuedValidFor(Duration.ofHours(72)))
                .when(new RemindInvitationCommand(invitationId, 24))
                .expectNoEvents().expectException(RuleViolation.class);
        clock.set(T0.plus(Duration.ofHours(48)));
        fixture.given(issuedValidFor(Duration.ofHours(72)))
                .when(new RemindInvitationCommand(invitationId, 24))
                .expectEvents(reminder(T0.plus(Duration.ofHours(48)), T0.plus(Duration.ofHours(72)), firstToken));
    }

    @Test
    void aShortInvitationIsRemindedHalfwayWithTheSameSealedToken() {
        clock.set(T0.plusSeconds(29));
        fixture.given(issuedValidFor(Duration.ofSeconds(60)))
                .when(new RemindInvitationCommand(invitationId, 24))
                .expectNoEvents().expectException(RuleViolation.class);
        clock.set(T0.plusSeconds(30));
        fixture.given(issuedValidFor(Duration.ofSeconds(60)))
                .when(new RemindInvitationCommand(invitationId, 24))
                .expectEvents(reminder(T0.plusSeconds(30), T0.plusSeconds(60), firstToken));
    }

    @Test
    void aSentLinkIsRemindedOfOnceAndAResendAllowsOneMoreWithItsNewLink() {
        Instant expiresAt = T0.plus(Duration.ofHours(72));
        clock.set(T0.plus(Duration.ofHours(60)));
        fixture.given(issuedValidFor(Duration.ofHours(72)), reminder(T0.plus(Duration.ofHours(48)), expiresAt, firstToken))
                .when(new RemindInvitationCommand(invitationId, 24))
                .expectNoEvents().expectException(RuleViolation.class);

        Instant resentAt = T0.plus(Duration.ofHours(60));
        Instant newExpiry = resentAt.plus(Duration.ofHours(72));
        InvitationResent resent = new InvitationResent(UUID.randomUUID(), resentAt, organizationId, admin, invitationId, EMAIL,
                newExpiry, "hash-2", resentToken, 1);
        clock.set(resentAt.plus(Duration.ofHours(47)));
        fixture.given(issuedValidFor(Duration.ofHours(72)), reminder(T0.plus(Duration.ofHours(48)), expiresAt, firstToken), resent)
                .when(new RemindInvitationCommand(invitationId, 24))
                .expectNoEvents().expectException(RuleViolation.class);
        clock.set(resentAt.plus(Duration.ofHours(48)));
        fixture.given(issuedValidFor(Duration.ofHours(72)), reminder(T0.plus(Duration.ofHours(48)), expiresAt, firstToken), resent)
                .when(new RemindInvitationCommand(invitationId, 24))
                .expectEvents(reminder(resentAt.plus(Duration.ofHours(48)), newExpiry, resentToken));
    }

    @Test
    void anEditedExpiryMovesTheDueInstantAndKeepsTheLink() {
        Instant editedExpiry = T0.plus(Duration.ofHours(30));
        InvitationUpdated edited = new InvitationUpdated(UUID.randomUUID(), T0.plusSeconds(60), organizationId, admin, invitationId,
                EMAIL, List.of("member"), List.of(), editedExpiry);
        clock.set(T0.plus(Duration.ofHours(15)));
        fixture.given(issuedValidFor(Duration.ofHours(72)), edited)
                .when(new RemindInvitationCommand(invitationId, 24))
                .expectEvents(reminder(T0.plus(Duration.ofHours(15)), editedExpiry, firstToken));
    }

    @Test
    void anInvitationThatEndedOrExpiredIsNeverReminded() {
        Instant late = T0.plus(Duration.ofHours(50));
        clock.set(late);
        List<Object> endings = List.of(
                new InvitationRevoked(UUID.randomUUID(), T0.plusSeconds(1), organizationId, admin, invitationId, EMAIL),
                new InvitationAccepted(UUID.randomUUID(), T0.plusSeconds(1), organizationId, admin, invitationId, admin, EMAIL,
                        List.of("member"), List.of()),
                new InvitationDeclined(UUID.randomUUID(), T0.plusSeconds(1), organizationId, null, invitationId, EMAIL),
                new InvitationExpired(UUID.randomUUID(), T0.plus(Duration.ofHours(49)), organizationId, null, invitationId, EMAIL));
        for (Object ending : endings) {
            fixture.given(issuedValidFor(Duration.ofHours(72)), ending)
                    .when(new RemindInvitationCommand(invitationId, 24))
                    .expectNoEvents().expectException(RuleViolation.class);
        }
        // pending still, its InvitationExpired not recorded yet, but past its expiry
        clock.set(T0.plus(Duration.ofHours(72)));
        fixture.given(issuedValidFor(Duration.ofHours(72)))
                .when(new RemindInvitationCommand(invitationId, 24))
                .expectNoEvents().expectException(RuleViolation.class);
    }
}

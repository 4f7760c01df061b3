package io.roster.invitation.invitation;

import io.roster.events.EncryptedSecret;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationUpdated;
import io.roster.events.invitation.MembershipTerms;
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
import java.util.Optional;
import java.util.UUID;

/**
 * Issue 17 item 10 on a personal invitation: its membership terms (an end date or a number of days) are checked and
 * recorded when issued and edited, and turned into one end date at the join, on a fixed clock.
 */
class InvitationMembershipTermsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant END = Instant.parse("2026-09-01T00:00:00Z");

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
        for (Class<?> type : List.of(InvitationIssued.class, InvitationAccepted.class, InvitationUpdated.class)) {
            fixture.registerIgnoredField(type, "eventId");
        }
    }

    private IssueInvitationCommand issue(MembershipTerms terms) {
        return new IssueInvitationCommand(invitationId, organizationId, admin, "ann@example.com", "Ann", null,
                List.of("member"), List.of(), T0.plus(Duration.ofHours(72)), "hash-1", sealed, null, terms);
    }

    private InvitationIssued issued(Instant membershipExpiresAt, Integer membershipDays) {
        return new InvitationIssued(UUID.randomUUID(), T0, organizationId, admin, invitationId, "ann@example.com",
                "Ann", null, List.of("member"), List.of(), T0.plus(Duration.ofHours(72)), "hash-1", sealed, null,
                membershipExpiresAt, membershipDays);
    }

    private AcceptInvitationCommand accept() {
        return new AcceptInvitationCommand(invitationId, "hash-1", invitee, "ann@example.com");
    }

    private InvitationAccepted accepted(Instant at, Instant membershipExpiresAt) {
        return new InvitationAccepted(null, at, organizationId, invitee, invitationId, invitee, "ann@example.com",
                List.of("member"), List.of(), membershipExpiresAt);
    }

    private UpdateInvitationCommand patch(Optional<Instant> membershipExpiresAt, Optional<Integer> membershipDays) {
        return new UpdateInvitationCommand(invitationId, organizationId, admin, null, null, null, membershipExpiresAt,
                membershipDays);
    }

    private InvitationUpdated updated(Instant membershipExpiresAt, Integer membershipDays) {
        return new InvitationUpdated(null, T0, organizationId, admin, invitationId, "ann@example.com", List.of("member"),
                List.of(), T0.plus(Duration.ofHours(72)), membershipExpiresAt, membershipDays);
    }

    @Test
    void issuingRecordsTheTerms() {
        fixture.givenNoPriorActivity().when(issue(new MembershipTerms(END, null))).expectEvents(issued(END, null));
        fixture.givenNoPriorActivity().when(issue(new MembershipTerms(null, 30))).expectEvents(issued(null, 30));
        fixture.givenNoPriorActivity().when(issue(MembershipTerms.NONE)).expectEvents(issued(null, null));
    }

    @Test
    void badTermsAreRefusedNamingTheirField() {
        fixture.givenNoPriorActivity().when(issue(new MembershipTerms(T0, null)))
                .expectNoEvents().expectException(field("membershipExpiresAt"));
        fixture.givenNoPriorActivity().when(issue(new MembershipTerms(T0.plus(Duration.ofDays(3651)), null)))
                .expectNoEvents().expectException(field("membershipExpiresAt"));
        fixture.givenNoPriorActivity().when(issue(new MembershipTerms(null, 0)))
                .expectNoEvents().expectException(field("membershipDays"));
        fixture.givenNoPriorActivity().when(issue(new MembershipTerms(null, 3651)))
                .expectNoEvents().expectException(field("membershipDays"));
        fixture.givenNoPriorActivity().when(issue(new MembershipTerms(END, 30)))
                .expectNoEvents().expectException(field("membershipExpiresAt"));
    }

    @Test
    void aJoinWithDaysEndsThatManyDaysAfterTheJoinInstant() {
        // accepted 5 days and 3 hours after the issue: the end counts from the join, not from the invitation
        clock.advance(Duration.ofDays(2).plusHours(3));
        Instant joinedAt = T0.plus(Duration.ofDays(2).plusHours(3));
        fixture.given(issued(null, 30))
                .when(accept())
                .expectEvents(accepted(joinedAt, Instant.parse("2026-04-02T13:00:00Z")))
                .expectResultMessagePayload(AcceptOutcome.accepted(organizationId, Instant.parse("2026-04-02T13:00:00Z")));
    }

    @Test
    void aJoinWithAnEndDateGetsThatDate() {
        clock.advance(Duration.ofHours(5));
        fixture.given(issued(END, null))
                .when(accept())
                .expectEvents(accepted(T0.plus(Duration.ofHours(5)), END));
        fixture.given(issued(null, null))
                .when(accept())
                .expectEvents(accepted(T0.plus(Duration.ofHours(5)), null));
    }

    @Test
    void aJoinAgainAnswersTheEndTheFirstJoinGot() {
        Instant end = T0.plus(Duration.ofDays(30));
        clock.advance(Duration.ofHours(1));
        fixture.given(issued(null, 30), accepted(T0, end))
                .when(accept())
                .expectNoEvents()
                .expectResultMessagePayload(AcceptOutcome.accepted(organizationId, end));
    }

    @Test
    void anEndDatePassedByTheJoinRefusesItAndLeavesTheInvitationPending() {
        Instant end = T0.plus(Duration.ofHours(10));
        clock.advance(Duration.ofHours(10));
        fixture.given(issued(end, null))
                .when(accept())
                .expectNoEvents().expectException(code("membership_expired"));
        // still pending: an admin moves the end date on, and the same link joins
        fixture.given(issued(end, null), new InvitationUpdated(UUID.randomUUID(), T0.plus(Duration.ofHours(10)), organizationId,
                        admin, invitationId, "ann@example.com", List.of("member"), List.of(), T0.plus(Duration.ofHours(72)),
                        END, null))
                .when(accept())
                .expectEvents(accepted(T0.plus(Duration.ofHours(10)), END));
    }

    @Test
    void anEditSetsReplacesAndClearsTheTermsAsAMergePatch() {
        // a value for one replaces the other
        fixture.given(issued(null, 30)).when(patch(Optional.of(END), null)).expectEvents(updated(END, null));
        fixture.given(issued(END, null)).when(patch(null, Optional.of(90))).expectEvents(updated(null, 90));
        // null removes it
        fixture.given(issued(END, null)).when(patch(Optional.empty(), null)).expectEvents(updated(null, null));
        fixture.given(issued(null, 30)).when(patch(null, Optional.empty())).expectEvents(updated(null, null));
        // null for the one not set leaves the other as it is: nothing changes
        fixture.given(issued(END, null)).when(patch(null, Optional.empty())).expectNoEvents().expectSuccessfulHandlerExecution();
        // left out: unchanged
        fixture.given(issued(null, 30)).when(patch(null, null)).expectNoEvents().expectSuccessfulHandlerExecution();
        // the edited terms are the ones the join uses
        fixture.given(issued(null, null), updated(null, 7)).when(accept())
                .expectEvents(accepted(T0, T0.plus(Duration.ofDays(7))));
    }

    @Test
    void anEditToBadTermsIsRefusedNamingTheField() {
        fixture.given(issued(null, null)).when(patch(Optional.of(T0.minusSeconds(1)), null))
                .expectNoEvents().expectException(field("membershipExpiresAt"));
        fixture.given(issued(null, null)).when(patch(null, Optional.of(4000)))
                .expectNoEvents().expectException(field("membershipDays"));
    }

    private static Matcher<Throwable> code(String expected) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(Throwable item) {
                return item instanceof RuleViolation rule && rule.code().equals(expected);
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("a rule violation with code " + expected);
            }
        };
    }

    /** validation_failed naming {@code field} in errors[] (RuleViolation.invalidField). */
    private static Matcher<Throwable> field(String expected) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(Throwable item) {
                return item instanceof RuleViolation rule && rule.code().equals("validation_failed")
                        && expected.equals(rule.field());
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("validation_failed naming field " + expected);
            }
        };
    }
}

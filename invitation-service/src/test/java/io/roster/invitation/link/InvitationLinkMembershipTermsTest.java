package io.roster.invitation.link;

import io.roster.events.EncryptedSecret;
import io.roster.events.invitation.InvitationAcceptRejected;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationLinkUsed;
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
 * Issue 17 item 10 on an invitation link: its membership terms are checked and recorded on create and edit, each join
 * gets its own end date computed at that join, and a passed end date refuses the join without using the quota.
 */
class InvitationLinkMembershipTermsTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    private static final Instant END = Instant.parse("2026-09-01T00:00:00Z");

    private final UUID linkId = UUID.randomUUID();
    private final UUID organizationId = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();
    private final UUID user = UUID.randomUUID();
    private final EncryptedSecret sealed = new EncryptedSecret("k1", "c2VhbGVk");
    private final MutableClock clock = MutableClock.fixedAt(T0);
    private AggregateTestFixture<InvitationLink> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(InvitationLink.class);
        fixture.registerInjectableResource(clock);
        for (Class<?> type : List.of(InvitationLinkCreated.class, InvitationLinkUpdated.class, InvitationLinkUsed.class,
                InvitationAcceptRejected.class)) {
            fixture.registerIgnoredField(type, "eventId");
        }
    }

    private CreateInvitationLinkCommand create(MembershipTerms terms) {
        return new CreateInvitationLinkCommand(linkId, organizationId, admin, "Team", null, List.of(), null, 1,
                List.of("member"), List.of(), "hash", sealed, terms);
    }

    private InvitationLinkCreated created(Instant membershipExpiresAt, Integer membershipDays) {
        return new InvitationLinkCreated(null, T0, organizationId, admin, linkId, "Team", null, List.of(), null, 1,
                List.of("member"), List.of(), "hash", sealed, membershipExpiresAt, membershipDays);
    }

    private InvitationLinkUsed used(Instant at, int count, Instant membershipExpiresAt) {
        return new InvitationLinkUsed(null, at, organizationId, user, linkId, user, "me@x.io", List.of("member"), List.of(),
                count, membershipExpiresAt);
    }

    private UseInvitationLinkCommand use() {
        return new UseInvitationLinkCommand(linkId, "hash", user, "me@x.io", true, false);
    }

    private UpdateInvitationLinkCommand patch(Optional<Instant> membershipExpiresAt, Optional<Integer> membershipDays) {
        return new UpdateInvitationLinkCommand(linkId, organizationId, admin, null, null, null, null, null, null, null,
                membershipExpiresAt, membershipDays);
    }

    private InvitationLinkUpdated updated(Instant membershipExpiresAt, Integer membershipDays) {
        return new InvitationLinkUpdated(null, T0, organizationId, admin, linkId, "Team", null, List.of(), null, 1,
                List.of("member"), List.of(), membershipExpiresAt, membershipDays);
    }

    @Test
    void creatingRecordsTheTermsAndRefusesBadOnesNamingTheField() {
        fixture.givenNoPriorActivity().when(create(new MembershipTerms(null, 365))).expectEvents(created(null, 365));
        fixture.givenNoPriorActivity().when(create(new MembershipTerms(END, null))).expectEvents(created(END, null));
        fixture.givenNoPriorActivity().when(create(new MembershipTerms(T0.minusSeconds(1), null)))
                .expectNoEvents().expectException(field("membershipExpiresAt"));
        fixture.givenNoPriorActivity().when(create(new MembershipTerms(null, 0)))
                .expectNoEvents().expectException(field("membershipDays"));
    }

    @Test
    void eachJoinEndsItsDaysAfterItsOwnInstant() {
        clock.advance(Duration.ofDays(3).plusMinutes(7));
        Instant joinedAt = T0.plus(Duration.ofDays(3).plusMinutes(7));
        fixture.given(created(null, 10))
                .when(use())
                .expectEvents(used(joinedAt, 1, Instant.parse("2026-03-14T10:07:00Z")))
                .expectResultMessagePayload(new LinkUse(organizationId, null, Instant.parse("2026-03-14T10:07:00Z")));
        fixture.given(created(END, null)).when(use()).expectEvents(used(joinedAt, 1, END));
        fixture.given(created(null, null)).when(use()).expectEvents(used(joinedAt, 1, null));
    }

    @Test
    void aPassedEndDateRefusesTheJoinAndLeavesTheQuotaUnused() {
        Instant end = T0.plus(Duration.ofHours(1));
        clock.advance(Duration.ofHours(1));
        fixture.given(created(end, null))
                .when(use())
                .expectNoEvents().expectException(code("membership_expired"));
        // the only place (quota 1) is still there once the admin moves the end date on
        fixture.given(created(end, null), new InvitationLinkUpdated(UUID.randomUUID(), T0, organizationId, admin, linkId, "Team",
                        null, List.of(), null, 1, List.of("member"), List.of(), END, null))
                .when(use())
                .expectEvents(used(T0.plus(Duration.ofHours(1)), 1, END));
    }

    @Test
    void anEditSetsReplacesAndClearsTheTermsAsAMergePatch() {
        fixture.given(created(null, 30)).when(patch(Optional.of(END), null)).expectEvents(updated(END, null));
        fixture.given(created(END, null)).when(patch(null, Optional.of(90))).expectEvents(updated(null, 90));
        fixture.given(created(END, null)).when(patch(Optional.empty(), null)).expectEvents(updated(null, null));
        fixture.given(created(END, null)).when(patch(null, Optional.empty())).expectNoEvents().expectSuccessfulHandlerExecution();
        fixture.given(created(null, 30)).when(patch(null, null)).expectNoEvents().expectSuccessfulHandlerExecution();
        fixture.given(created(null, null)).when(patch(null, Optional.of(3651)))
                .expectNoEvents().expectException(field("membershipDays"));
        fixture.given(created(null, null), updated(null, 2)).when(use())
                .expectEvents(used(T0, 1, T0.plus(Duration.ofDays(2))));
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

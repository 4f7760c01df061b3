package io.roster.invitation.link;

import io.roster.events.EncryptedSecret;
import io.roster.events.ProblemCode;
import io.roster.events.invitation.InvitationAcceptRejected;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkDisabled;
import io.roster.events.invitation.InvitationLinkEnabled;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationLinkUsed;
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

import static org.assertj.core.api.Assertions.assertThat;

/** The rules of an invitation link: audience, quota, expiry, enable/disable, edits. */
class InvitationLinkTest {

    private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

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
        for (Class<?> type : List.of(InvitationLinkCreated.class, InvitationLinkUpdated.class, InvitationLinkEnabled.class,
                InvitationLinkDisabled.class, InvitationLinkUsed.class, InvitationAcceptRejected.class)) {
            fixture.registerIgnoredField(type, "eventId");
        }
    }

    private InvitationLinkCreated created(List<String> emails, Integer quota, Instant expiresAt) {
        return new InvitationLinkCreated(UUID.randomUUID(), T0, organizationId, admin, linkId, "Team", null, emails, expiresAt,
                quota, List.of("member"), List.of(), "hash", sealed);
    }

    private InvitationLinkUsed used(UUID by, int count) {
        return new InvitationLinkUsed(UUID.randomUUID(), T0, organizationId, by, linkId, by, by + "@x.io", List.of("member"), List.of(), count);
    }

    private UseInvitationLinkCommand use(String email, boolean verified) {
        return new UseInvitationLinkCommand(linkId, "hash", user, email, verified, false);
    }

    @Test
    void aPublicLinkCountsItsUsesUpToTheQuota() {
        fixture.given(created(List.of(), 2, null), used(UUID.randomUUID(), 1))
                .when(use("anyone@anywhere.io", false))
                .expectEvents(new InvitationLinkUsed(null, T0, organizationId, user, linkId, user, "anyone@anywhere.io",
                        List.of("member"), List.of(), 2));
        fixture.given(created(List.of(), 2, null), used(UUID.randomUUID(), 1), used(UUID.randomUUID(), 2))
                .when(use("anyone@anywhere.io", false))
                .expectNoEvents().expectException(code("quota_exhausted"));
    }

    @Test
    void joiningAgainChangesNothingAndAMemberIsRefused() {
        fixture.given(created(List.of(), 1, null), used(user, 1))
                .when(use("me@x.io", false))
                .expectNoEvents().expectResultMessagePayload(new LinkUse(organizationId, null));
        fixture.given(created(List.of(), 1, null))
                .when(new UseInvitationLinkCommand(linkId, "hash", user, "me@x.io", true, true))
                .expectNoEvents().expectException(code("already_member"));
    }

    @Test
    void joinsSentTogetherAreEachJudgedInOrderAndARefusalDoesNotStopTheOthers() {
        UUID ann = UUID.randomUUID();
        UUID bob = UUID.randomUUID();
        UUID cat = UUID.randomUUID();
        UUID dan = UUID.randomUUID();
        fixture.given(created(List.of("*@example.org"), 2, null))
                .when(new UseInvitationLinkForEachCommand(linkId, List.of(
                        new UseInvitationLinkForEachCommand.Use(new UseInvitationLinkCommand(linkId, "hash", ann, "ann@example.org", true, false), causedBy("ann-signed-up")),
                        new UseInvitationLinkForEachCommand.Use(new UseInvitationLinkCommand(linkId, "hash", bob, "bob@example.com", true, false), causedBy("bob-signed-up")),
                        new UseInvitationLinkForEachCommand.Use(new UseInvitationLinkCommand(linkId, "hash", ann, "ann@example.org", true, false), java.util.Map.of()),
                        new UseInvitationLinkForEachCommand.Use(new UseInvitationLinkCommand(linkId, "wrong", dan, "dan@example.org", true, false), java.util.Map.of()),
                        new UseInvitationLinkForEachCommand.Use(new UseInvitationLinkCommand(linkId, "hash", cat, "cat@example.org", true, false), causedBy("cat-signed-up")),
                        new UseInvitationLinkForEachCommand.Use(new UseInvitationLinkCommand(linkId, "hash", dan, "dan@example.org", true, false), java.util.Map.of()))))
                .expectEvents(
                        new InvitationLinkUsed(null, T0, organizationId, ann, linkId, ann, "ann@example.org", List.of("member"), List.of(), 1),
                        new InvitationAcceptRejected(null, T0, organizationId, bob, null, linkId, bob, "bob@example.com", "email_mismatch"),
                        new InvitationLinkUsed(null, T0, organizationId, cat, linkId, cat, "cat@example.org", List.of("member"), List.of(), 2))
                .expectResultMessagePayload(List.of(
                        new LinkUse(organizationId, null),
                        new LinkUse(organizationId, ProblemCode.EMAIL_MISMATCH),
                        new LinkUse(organizationId, null),
                        new LinkUse(organizationId, ProblemCode.INVITATION_NOT_FOUND),
                        new LinkUse(organizationId, null),
                        new LinkUse(organizationId, ProblemCode.QUOTA_EXHAUSTED)))
                .expectEventsMatching(org.axonframework.test.matchers.Matchers.exactSequenceOf(causationIs("ann-signed-up"),
                        causationIs("bob-signed-up"), causationIs("cat-signed-up"), org.axonframework.test.matchers.Matchers.andNoMore()));
    }

    /** The metadata a join's events carry: each its own cause (and trace), whatever the command's. */
    private static java.util.Map<String, String> causedBy(String eventId) {
        return java.util.Map.of("causationId", eventId, "traceparent", "00-" + "0".repeat(31) + "1-" + "0".repeat(15) + "1-01");
    }

    private static Matcher<org.axonframework.eventhandling.EventMessage<?>> causationIs(String eventId) {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(org.axonframework.eventhandling.EventMessage<?> event) {
                return eventId.equals(event.getMetaData().get("causationId"))
                        && event.getMetaData().get("traceparent") != null;
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("an event caused by " + eventId + " with its trace");
            }
        };
    }

    @Test
    void aDomainLinkRecordsRefusalsOfOtherDomainsAndUnverifiedAddressesWithoutUsingQuota() {
        fixture.given(created(List.of("*@example.org"), 1, null))
                .when(use("eve@example.com", true))
                .expectEvents(new InvitationAcceptRejected(null, T0, organizationId, user, null, linkId, user, "eve@example.com", "email_mismatch"))
                .expectResultMessagePayload(new LinkUse(organizationId, ProblemCode.EMAIL_MISMATCH));
        fixture.given(created(List.of("*@example.org"), 1, null))
                .when(use("eve@sub.example.org", true))
                .expectResultMessagePayload(new LinkUse(organizationId, ProblemCode.EMAIL_MISMATCH));
        fixture.given(created(List.of("*@example.org"), 1, null))
                .when(use("una@example.org", false))
                .expectResultMessagePayload(new LinkUse(organizationId, ProblemCode.EMAIL_NOT_VERIFIED));
        fixture.given(created(List.of("*@example.org"), 1, null),
                        new InvitationAcceptRejected(UUID.randomUUID(), T0, organizationId, user, null, linkId, user, "x@y.io", "email_mismatch"))
                .when(use("Ina@Example.org", true))
                .expectEvents(new InvitationLinkUsed(null, T0, organizationId, user, linkId, user, "ina@example.org",
                        List.of("member"), List.of(), 1));
    }

    @Test
    void aDisabledOrExpiredLinkRefusesAndAWrongTokenIsUnknown() {
        fixture.given(created(List.of(), null, null),
                        new InvitationLinkDisabled(UUID.randomUUID(), T0, organizationId, admin, linkId))
                .when(use("a@x.io", false)).expectNoEvents().expectException(code("invitation_disabled"));
        fixture.given(created(List.of(), null, T0.plusSeconds(60)))
                .when(new UseInvitationLinkCommand(linkId, "other", user, "a@x.io", true, false))
                .expectNoEvents().expectException(code("invitation_not_found"));
        clock.advance(Duration.ofMinutes(2));
        fixture.given(created(List.of(), null, T0.plusSeconds(60)))
                .when(use("a@x.io", false)).expectNoEvents().expectException(code("invitation_expired"));
    }

    @Test
    void statusChangesAreRecordedOnceAndEditsKeepUnsetFields() {
        fixture.given(created(List.of(), null, null))
                .when(new SetInvitationLinkStatusCommand(linkId, organizationId, admin, true))
                .expectNoEvents();
        fixture.given(created(List.of(), null, null))
                .when(new SetInvitationLinkStatusCommand(linkId, organizationId, admin, false))
                .expectEvents(new InvitationLinkDisabled(null, T0, organizationId, admin, linkId));
        fixture.given(created(List.of("a@x.io"), 5, null), used(UUID.randomUUID(), 1), used(UUID.randomUUID(), 2))
                .when(new UpdateInvitationLinkCommand(linkId, organizationId, admin, "Renamed", null, null, null, null, null, null))
                .expectEvents(new InvitationLinkUpdated(null, T0, organizationId, admin, linkId, "Renamed", null, List.of("a@x.io"),
                        null, 5, List.of("member"), List.of()));
        fixture.given(created(List.of(), 5, null), used(UUID.randomUUID(), 1), used(UUID.randomUUID(), 2))
                .when(new UpdateInvitationLinkCommand(linkId, organizationId, admin, null, null, null, null, Optional.of(1), null, null))
                .expectNoEvents().expectException(code("validation_failed"));
    }

    @Test
    void aMergePatchWithNullExpiryAndQuotaMakesTheLinkNeverExpireAndUnlimitedAndAbsentOnesStay() {
        Instant expiry = T0.plus(Duration.ofDays(2));
        fixture.given(created(List.of(), 5, expiry), used(UUID.randomUUID(), 1))
                .when(new UpdateInvitationLinkCommand(linkId, organizationId, admin, null, null, null, Optional.empty(), Optional.empty(),
                        null, null))
                .expectEvents(new InvitationLinkUpdated(null, T0, organizationId, admin, linkId, "Team", null, List.of(), null, null,
                        List.of("member"), List.of()));
        fixture.given(created(List.of(), 5, expiry))
                .when(new UpdateInvitationLinkCommand(linkId, organizationId, admin, null, null, null, null, Optional.empty(), null, null))
                .expectEvents(new InvitationLinkUpdated(null, T0, organizationId, admin, linkId, "Team", null, List.of(), expiry, null,
                        List.of("member"), List.of()));
        // an expiry that has passed meanwhile does not block other edits; only a new one must be in the future
        fixture.given(created(List.of(), 5, T0.minusSeconds(1)))
                .when(new UpdateInvitationLinkCommand(linkId, organizationId, admin, "Renamed", null, null, null, null, null, null))
                .expectEvents(new InvitationLinkUpdated(null, T0, organizationId, admin, linkId, "Renamed", null, List.of(),
                        T0.minusSeconds(1), 5, List.of("member"), List.of()));
        fixture.given(created(List.of(), 5, null))
                .when(new UpdateInvitationLinkCommand(linkId, organizationId, admin, null, null, null, Optional.of(T0.minusSeconds(1)),
                        null, null, null))
                .expectNoEvents().expectException(code("validation_failed"));
    }

    @Test
    void patternsAreValidatedAndHintsMaskAddresses() {
        assertThat(EmailPatterns.hint(List.of("ann@x.io", "*@y.io"))).isEqualTo("a***@x.io, *@y.io");
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

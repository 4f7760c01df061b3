package io.roster.identity.organization;

import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.MembershipExpiryChanged;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.RemovalReason;
import io.roster.identity.access.Actor;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static io.roster.identity.RuleMatchers.violation;

/** Time-limited memberships (issue 17 item 10): end dates, their changes, the expiry itself, and the last lasting admin. */
class OrganizationExpiryTest {

    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private static final Instant LATER = NOW.plus(Duration.ofDays(30));
    private static final Instant PASSED = NOW.minusSeconds(1);
    private static final UUID ORG = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID ADMIN = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID SECOND_ADMIN = UUID.fromString("00000000-0000-0000-0000-000000000002");
    private static final UUID MEMBER = UUID.fromString("00000000-0000-0000-0000-000000000003");
    private static final UUID OUTSIDER = UUID.fromString("00000000-0000-0000-0000-000000000004");
    private static final UUID INVITATION = UUID.fromString("00000000-0000-0000-0000-0000000000c1");

    private static final Actor AS_ADMIN = new Actor(ADMIN, false);
    private static final Actor AS_SECOND_ADMIN = new Actor(SECOND_ADMIN, false);
    private static final Actor AS_MEMBER = new Actor(MEMBER, false);
    private static final Actor AS_OUTSIDER = new Actor(OUTSIDER, false);

    private FixtureConfiguration<Organization> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Organization.class);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
        fixture.registerFieldFilter(field -> !field.getName().equals("eventId"));
    }

    private static OrganizationCreated created() {
        return new OrganizationCreated(null, NOW, ORG, ADMIN, "Acme");
    }

    private static MemberAdded added(UUID userId, String role, Instant expiresAt) {
        return new MemberAdded(null, NOW, ORG, ADMIN, userId, List.of(role), List.of(), JoinPath.DIRECT, null, expiresAt);
    }

    private static MemberAdded creator() {
        return added(ADMIN, "admin", null);
    }

    private static MembershipExpiryChanged expiryChanged(UUID userId, Instant expiresAt, Instant previous) {
        return new MembershipExpiryChanged(null, NOW, ORG, ADMIN, userId, expiresAt, previous);
    }

    @Nested
    class AddingWithAnEndDate {
        @Test
        void theEndDateIsInTheEvent() {
            fixture.given(created(), creator())
                    .when(new AddMemberCommand(ORG, MEMBER, List.of("member"), List.of(), LATER, AS_ADMIN))
                    .expectEvents(added(MEMBER, "member", LATER));
        }

        @Test
        void anAdminWithAnEndDateIsAddedWhileALastingAdminRemains() {
            fixture.given(created(), creator())
                    .when(new AddMemberCommand(ORG, SECOND_ADMIN, List.of("admin"), List.of(), LATER, AS_ADMIN))
                    .expectEvents(added(SECOND_ADMIN, "admin", LATER));
        }

        @Test
        void anAcceptedInvitationCarriesItsMembershipEndDate() {
            fixture.given(created(), creator())
                    .when(new AcceptInvitationMembershipCommand(ORG, MEMBER, List.of("member"), List.of(), JoinPath.INVITATION,
                            INVITATION, LATER))
                    .expectEvents(new MemberAdded(null, NOW, ORG, MEMBER, MEMBER, List.of("member"), List.of(), JoinPath.INVITATION,
                            INVITATION, LATER));
        }
    }

    @Nested
    class ChangingTheEndDate {
        @Test
        void anAdminSetsChangesAndClearsIt() {
            fixture.given(created(), creator(), added(MEMBER, "member", null))
                    .when(new ChangeMembershipExpiryCommand(ORG, MEMBER, LATER, AS_ADMIN))
                    .expectEvents(expiryChanged(MEMBER, LATER, null));
            fixture.given(created(), creator(), added(MEMBER, "member", LATER))
                    .when(new ChangeMembershipExpiryCommand(ORG, MEMBER, LATER.plusSeconds(60), AS_ADMIN))
                    .expectEvents(expiryChanged(MEMBER, LATER.plusSeconds(60), LATER));
            fixture.given(created(), creator(), added(MEMBER, "member", LATER))
                    .when(new ChangeMembershipExpiryCommand(ORG, MEMBER, null, AS_ADMIN))
                    .expectEvents(expiryChanged(MEMBER, null, LATER));
        }

        @Test
        void theSameEndDateChangesNothing() {
            fixture.given(created(), creator(), added(MEMBER, "member", LATER))
                    .when(new ChangeMembershipExpiryCommand(ORG, MEMBER, LATER, AS_ADMIN))
                    .expectSuccessfulHandlerExecution().expectNoEvents();
            fixture.given(created(), creator(), added(MEMBER, "member", null))
                    .when(new ChangeMembershipExpiryCommand(ORG, MEMBER, null, AS_ADMIN))
                    .expectSuccessfulHandlerExecution().expectNoEvents();
        }

        @Test
        void aMemberWhoIsNoAdminIsForbidden() {
            fixture.given(created(), creator(), added(MEMBER, "member", null))
                    .when(new ChangeMembershipExpiryCommand(ORG, MEMBER, LATER, AS_MEMBER))
                    .expectException(violation("forbidden")).expectNoEvents();
        }

        @Test
        void anOutsiderIsToldTheOrganizationIsNotThereBeforeTheMemberIsLookedUp() {
            fixture.given(created(), creator(), added(MEMBER, "member", null))
                    .when(new ChangeMembershipExpiryCommand(ORG, UUID.randomUUID(), LATER, AS_OUTSIDER))
                    .expectException(violation("not_found")).expectNoEvents();
        }

        @Test
        void aNonMemberIsNotFound() {
            fixture.given(created(), creator())
                    .when(new ChangeMembershipExpiryCommand(ORG, OUTSIDER, LATER, AS_ADMIN))
                    .expectException(violation("not_found")).expectNoEvents();
        }
    }

    @Nested
    class TheLastLastingAdmin {
        @Test
        void neverGetsAnEndDate() {
            fixture.given(created(), creator())
                    .when(new ChangeMembershipExpiryCommand(ORG, ADMIN, LATER, AS_ADMIN))
                    .expectException(violation("last_admin")).expectNoEvents();
        }

        @Test
        void norWhenTheOtherAdminHasOne() {
            fixture.given(created(), creator(), added(SECOND_ADMIN, "admin", LATER))
                    .when(new ChangeMembershipExpiryCommand(ORG, ADMIN, LATER, AS_SECOND_ADMIN))
                    .expectException(violation("last_admin")).expectNoEvents();
        }

        @Test
        void anAdminGetsOneWhileAnotherAdminHasNone() {
            fixture.given(created(), creator(), added(SECOND_ADMIN, "admin", null))
                    .when(new ChangeMembershipExpiryCommand(ORG, ADMIN, LATER, AS_SECOND_ADMIN))
                    .expectEvents(new MembershipExpiryChanged(null, NOW, ORG, SECOND_ADMIN, ADMIN, LATER, null));
        }

        @Test
        void isNotRemovedWhileTheOnlyOtherAdminExpires() {
            fixture.given(created(), creator(), added(SECOND_ADMIN, "admin", LATER))
                    .when(new RemoveMembersCommand(ORG, List.of(ADMIN), RemovalReason.REMOVED, null, false, AS_SECOND_ADMIN))
                    .expectException(violation("last_admin")).expectNoEvents();
        }

        @Test
        void doesNotLeaveWhileTheOnlyOtherAdminExpires() {
            fixture.given(created(), creator(), added(SECOND_ADMIN, "admin", LATER))
                    .when(new LeaveOrganizationCommand(ORG, ADMIN))
                    .expectException(violation("last_admin")).expectNoEvents();
        }

        @Test
        void isNotDemotedWhileTheOnlyOtherAdminExpires() {
            fixture.given(created(), creator(), added(SECOND_ADMIN, "admin", LATER))
                    .when(new ChangeMemberRolesCommand(ORG, ADMIN, List.of("member"), AS_SECOND_ADMIN))
                    .expectException(violation("last_admin")).expectNoEvents();
        }

        @Test
        void anExpiringAdminLeavesOrIsDemotedFreely() {
            fixture.given(created(), creator(), added(SECOND_ADMIN, "admin", LATER))
                    .when(new LeaveOrganizationCommand(ORG, SECOND_ADMIN))
                    .expectSuccessfulHandlerExecution();
            fixture.given(created(), creator(), added(SECOND_ADMIN, "admin", LATER))
                    .when(new ChangeMemberRolesCommand(ORG, SECOND_ADMIN, List.of("member"), AS_ADMIN))
                    .expectEvents(new MemberRolesChanged(null, NOW, ORG, ADMIN, SECOND_ADMIN, List.of("member")));
        }

        @Test
        void anExpiringMemberBecomesAdminWhileALastingAdminRemains() {
            fixture.given(created(), creator(), added(MEMBER, "member", LATER))
                    .when(new ChangeMemberRolesCommand(ORG, MEMBER, List.of("admin"), AS_ADMIN))
                    .expectEvents(new MemberRolesChanged(null, NOW, ORG, ADMIN, MEMBER, List.of("admin")));
        }

        @Test
        void anAdminWhoseEndDateWasClearedCountsAgain() {
            fixture.given(created(), creator(), added(SECOND_ADMIN, "admin", LATER), expiryChanged(SECOND_ADMIN, null, LATER))
                    .when(new LeaveOrganizationCommand(ORG, ADMIN))
                    .expectSuccessfulHandlerExecution();
        }
    }

    @Nested
    class Expiring {
        @Test
        void aDueMembershipEndsOnce() {
            fixture.given(created(), creator(), added(MEMBER, "member", PASSED))
                    .when(new ExpireMembershipCommand(ORG, MEMBER))
                    .expectEvents(new MemberExpired(null, NOW, ORG, null, MEMBER, PASSED))
                    .expectResultMessagePayload(true);
            fixture.given(created(), creator(), added(MEMBER, "member", PASSED), new MemberExpired(null, NOW, ORG, null, MEMBER, PASSED))
                    .when(new ExpireMembershipCommand(ORG, MEMBER))
                    .expectNoEvents().expectResultMessagePayload(false);
        }

        @Test
        void theEndDateItselfIsDue() {
            fixture.given(created(), creator(), added(MEMBER, "member", NOW))
                    .when(new ExpireMembershipCommand(ORG, MEMBER))
                    .expectEvents(new MemberExpired(null, NOW, ORG, null, MEMBER, NOW));
        }

        @Test
        void notYetDueOrExtendedOrClearedMeansNothing() {
            fixture.given(created(), creator(), added(MEMBER, "member", LATER))
                    .when(new ExpireMembershipCommand(ORG, MEMBER))
                    .expectNoEvents().expectResultMessagePayload(false);
            fixture.given(created(), creator(), added(MEMBER, "member", PASSED), expiryChanged(MEMBER, LATER, PASSED))
                    .when(new ExpireMembershipCommand(ORG, MEMBER))
                    .expectNoEvents().expectResultMessagePayload(false);
            fixture.given(created(), creator(), added(MEMBER, "member", PASSED), expiryChanged(MEMBER, null, PASSED))
                    .when(new ExpireMembershipCommand(ORG, MEMBER))
                    .expectNoEvents().expectResultMessagePayload(false);
        }

        @Test
        void aRemovedMemberDoesNotExpire() {
            fixture.given(created(), creator(), added(MEMBER, "member", PASSED),
                            new MemberRemoved(null, NOW, ORG, ADMIN, MEMBER, ADMIN, RemovalReason.REMOVED, null))
                    .when(new ExpireMembershipCommand(ORG, MEMBER))
                    .expectNoEvents().expectResultMessagePayload(false);
        }

        @Test
        void aMemberReAddedWithoutEndDateAfterExpiryStays() {
            fixture.given(created(), creator(), added(MEMBER, "member", PASSED), new MemberExpired(null, NOW, ORG, null, MEMBER, PASSED),
                            added(MEMBER, "member", null))
                    .when(new ExpireMembershipCommand(ORG, MEMBER))
                    .expectNoEvents().expectResultMessagePayload(false);
        }

        @Test
        void anExpiredMemberIsNoMemberAnyMore() {
            fixture.given(created(), creator(), added(MEMBER, "member", PASSED), new MemberExpired(null, NOW, ORG, null, MEMBER, PASSED))
                    .when(new ChangeMembershipExpiryCommand(ORG, MEMBER, LATER, AS_ADMIN))
                    .expectException(violation("not_found"));
            fixture.given(created(), creator(), added(MEMBER, "member", PASSED), new MemberExpired(null, NOW, ORG, null, MEMBER, PASSED))
                    .when(new AddMemberCommand(ORG, MEMBER, List.of("member"), List.of(), null, AS_ADMIN))
                    .expectEvents(added(MEMBER, "member", null));
        }
    }
}

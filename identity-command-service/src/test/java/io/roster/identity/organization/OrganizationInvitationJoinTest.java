package io.roster.identity.organization;

import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.RemovalReason;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamDeleted;
import io.roster.identity.access.Actor;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static io.roster.identity.RuleMatchers.violation;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Joining through an accepted invitation or a used link: no admin caller, every other rule. */
class OrganizationInvitationJoinTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final UUID ORG = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID ADMIN = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID INVITEE = UUID.fromString("00000000-0000-0000-0000-000000000003");
    private static final UUID TEAM = UUID.fromString("00000000-0000-0000-0000-0000000000f1");
    private static final UUID GONE_TEAM = UUID.fromString("00000000-0000-0000-0000-0000000000f2");
    private static final UUID INVITATION = UUID.fromString("00000000-0000-0000-0000-0000000000c1");
    private static final UUID LINK = UUID.fromString("00000000-0000-0000-0000-0000000000c2");

    private FixtureConfiguration<Organization> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Organization.class);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
        fixture.registerFieldFilter(field -> !field.getName().equals("eventId"));
    }

    private static Object[] organizationWithTeams() {
        return new Object[]{
                new OrganizationCreated(null, NOW, ORG, ADMIN, "Acme"),
                new MemberAdded(null, NOW, ORG, ADMIN, ADMIN, List.of("admin"), List.of(), JoinPath.DIRECT, null),
                new TeamCreated(null, NOW, ORG, ADMIN, TEAM, "Red", null),
                new TeamCreated(null, NOW, ORG, ADMIN, GONE_TEAM, "Blue", null),
                new TeamDeleted(null, NOW, ORG, ADMIN, GONE_TEAM)};
    }

    private static MemberAdded joined(List<String> roles, List<UUID> teams, JoinPath via, UUID invitationId) {
        return new MemberAdded(null, NOW, ORG, INVITEE, INVITEE, roles, teams, via, invitationId);
    }

    @Test
    void anAcceptedInvitationAddsTheInviteeAsActorWithTheInvitationsRolesAndTeams() {
        fixture.given(organizationWithTeams())
                .when(new AcceptInvitationMembershipCommand(ORG, INVITEE, List.of("member", "billing-manager", "member"),
                        List.of(TEAM, TEAM), JoinPath.INVITATION, INVITATION))
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayload(true)
                .expectEvents(joined(List.of("billing-manager", "member"), List.of(TEAM), JoinPath.INVITATION, INVITATION));
    }

    @Test
    void aUsedLinkJoinsViaLinkWithTheLinkAsInvitation() {
        fixture.given(organizationWithTeams())
                .when(new AcceptInvitationMembershipCommand(ORG, INVITEE, List.of("member"), List.of(), JoinPath.LINK, LINK))
                .expectResultMessagePayload(true)
                .expectEvents(joined(List.of("member"), List.of(), JoinPath.LINK, LINK));
    }

    @Test
    void teamsTheOrganizationNoLongerHasAreDroppedNotRefused() {
        fixture.given(organizationWithTeams())
                .when(new AcceptInvitationMembershipCommand(ORG, INVITEE, List.of("member"), List.of(GONE_TEAM, TEAM, UUID.randomUUID()),
                        JoinPath.INVITATION, INVITATION))
                .expectEvents(joined(List.of("member"), List.of(TEAM), JoinPath.INVITATION, INVITATION));
    }

    @Test
    void aRedeliveredJoinOfAMemberChangesNothing() {
        fixture.given(organizationWithTeams())
                .andGiven(joined(List.of("member"), List.of(TEAM), JoinPath.INVITATION, INVITATION))
                .when(new AcceptInvitationMembershipCommand(ORG, INVITEE, List.of("member"), List.of(TEAM), JoinPath.INVITATION, INVITATION))
                .expectSuccessfulHandlerExecution()
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void aMemberWhoLeftMayJoinAgainByInvitation() {
        fixture.given(organizationWithTeams())
                .andGiven(joined(List.of("member"), List.of(), JoinPath.LINK, LINK),
                        new MemberRemoved(null, NOW, ORG, INVITEE, INVITEE, INVITEE, RemovalReason.LEFT, null))
                .when(new AcceptInvitationMembershipCommand(ORG, INVITEE, List.of("member"), List.of(), JoinPath.INVITATION, INVITATION))
                .expectEvents(joined(List.of("member"), List.of(), JoinPath.INVITATION, INVITATION));
    }

    @Test
    void theRolesStillHaveToBeValid() {
        fixture.given(organizationWithTeams())
                .when(new AcceptInvitationMembershipCommand(ORG, INVITEE, List.of("owner"), List.of(), JoinPath.INVITATION, INVITATION))
                .expectNoEvents()
                .expectException(violation("validation_failed"));
        fixture.given(organizationWithTeams())
                .when(new AcceptInvitationMembershipCommand(ORG, INVITEE, List.of(), List.of(), JoinPath.INVITATION, INVITATION))
                .expectNoEvents()
                .expectException(violation("validation_failed"));
    }

    @Test
    void theAdminRuleStillHoldsForADirectAdd() {
        fixture.given(organizationWithTeams())
                .when(new AddMemberCommand(ORG, INVITEE, List.of("member"), List.of(), new Actor(INVITEE, false)))
                .expectNoEvents()
                .expectException(violation("not_found")); // not a member: the organization does not exist for them
    }

    @Test
    void joinsSentTogetherAreEachJudgedInOrderAndARefusalDoesNotStopTheOthers() {
        UUID other = UUID.fromString("00000000-0000-0000-0000-000000000004");
        UUID third = UUID.fromString("00000000-0000-0000-0000-000000000005");
        fixture.given(organizationWithTeams())
                .when(new AcceptInvitationMembershipsCommand(ORG, List.of(
                        joinOf(new AcceptInvitationMembershipCommand(ORG, INVITEE, List.of("member"), List.of(TEAM), JoinPath.LINK, LINK)),
                        joinOf(new AcceptInvitationMembershipCommand(ORG, other, List.of("owner"), List.of(), JoinPath.LINK, LINK)),
                        joinOf(new AcceptInvitationMembershipCommand(ORG, INVITEE, List.of("member"), List.of(), JoinPath.INVITATION, INVITATION)),
                        joinOf(new AcceptInvitationMembershipCommand(ORG, third, List.of("member"), List.of(), JoinPath.LINK, LINK)))))
                .expectEvents(joined(List.of("member"), List.of(TEAM), JoinPath.LINK, LINK),
                        new MemberAdded(null, NOW, ORG, third, third, List.of("member"), List.of(), JoinPath.LINK, LINK))
                .expectResultMessagePayloadMatching(new org.hamcrest.TypeSafeMatcher<List<AcceptInvitationMembershipsCommand.Outcome>>() {
                    @Override
                    protected boolean matchesSafely(List<AcceptInvitationMembershipsCommand.Outcome> outcomes) {
                        return outcomes.size() == 4 && outcomes.get(0).added() && outcomes.get(0).refusal() == null
                                && !outcomes.get(1).added() && "validation_failed".equals(outcomes.get(1).refusal())
                                && !outcomes.get(2).added() && outcomes.get(2).refusal() == null
                                && outcomes.get(3).added();
                    }

                    @Override
                    public void describeTo(org.hamcrest.Description description) {
                        description.appendText("added, refused validation_failed, already a member, added");
                    }
                });
    }

    @Test
    void joinsSentTogetherMustAllBeIntoTheSameOrganization() {
        assertThatThrownBy(() -> new AcceptInvitationMembershipsCommand(ORG, List.of(
                joinOf(new AcceptInvitationMembershipCommand(UUID.randomUUID(), INVITEE, List.of("member"), List.of(), JoinPath.LINK, LINK)))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static AcceptInvitationMembershipsCommand.Join joinOf(AcceptInvitationMembershipCommand command) {
        return new AcceptInvitationMembershipsCommand.Join(command, java.util.Map.of());
    }

    @Test
    void onlyTheInvitationPathsMayJoinThisWay() {
        assertThatThrownBy(() -> new AcceptInvitationMembershipCommand(ORG, INVITEE, List.of("member"), List.of(), JoinPath.DIRECT, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package io.roster.identity.organization;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.roster.events.EventJson;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.MemberTeamsChanged;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.events.identity.RemovalReason;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.identity.access.Actor;
import io.roster.kit.web.RuleViolation;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static io.roster.identity.RuleMatchers.violation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every rule of the organization, with its code (PRODUCT.md §3). */
class OrganizationTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final UUID ORG = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID ADMIN = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID SECOND_ADMIN = UUID.fromString("00000000-0000-0000-0000-000000000002");
    private static final UUID MEMBER = UUID.fromString("00000000-0000-0000-0000-000000000003");
    private static final UUID OUTSIDER = UUID.fromString("00000000-0000-0000-0000-000000000004");
    private static final UUID PROVIDER_ADMIN = UUID.fromString("00000000-0000-0000-0000-000000000005");
    private static final UUID TEAM = UUID.fromString("00000000-0000-0000-0000-0000000000f1");
    private static final UUID OTHER_TEAM = UUID.fromString("00000000-0000-0000-0000-0000000000f2");
    private static final UUID BATCH = UUID.fromString("00000000-0000-0000-0000-0000000000b1");

    private static final Actor AS_ADMIN = new Actor(ADMIN, false);
    private static final Actor AS_MEMBER = new Actor(MEMBER, false);
    private static final Actor AS_OUTSIDER = new Actor(OUTSIDER, false);
    private static final Actor AS_PROVIDER_ADMIN = new Actor(PROVIDER_ADMIN, true);

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

    private static MemberAdded added(UUID userId, List<String> roles, List<UUID> teams) {
        return new MemberAdded(null, NOW, ORG, ADMIN, userId, roles, teams, JoinPath.DIRECT, null);
    }

    private static MemberAdded creatorAdded() {
        return added(ADMIN, List.of("admin"), List.of());
    }

    private static TeamCreated team(UUID teamId, String name) {
        return new TeamCreated(null, NOW, ORG, ADMIN, teamId, name, null);
    }

    @Test
    void theCreatorBecomesTheFirstAdmin() {
        fixture.givenNoPriorActivity()
                .when(new CreateOrganizationCommand(ORG, "  Acme ", ADMIN))
                .expectEvents(created(), creatorAdded());
    }

    @Nested
    class Renaming {
        @Test
        void anAdminRenames() {
            fixture.given(created(), creatorAdded())
                    .when(new RenameOrganizationCommand(ORG, " Acme Inc ", AS_ADMIN))
                    .expectEvents(new OrganizationRenamed(null, NOW, ORG, ADMIN, "Acme Inc"));
        }

        @Test
        void theSameNameChangesNothing() {
            fixture.given(created(), creatorAdded())
                    .when(new RenameOrganizationCommand(ORG, "Acme", AS_ADMIN))
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents();
        }

        @Test
        void aMemberWhoIsNoAdminIsForbidden() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new RenameOrganizationCommand(ORG, "Mine", AS_MEMBER))
                    .expectException(violation("forbidden"))
                    .expectNoEvents();
        }

        @Test
        void aBlankNameIsInvalid() {
            fixture.given(created(), creatorAdded())
                    .when(new RenameOrganizationCommand(ORG, "  ", AS_ADMIN))
                    .expectException(violation("validation_failed"));
        }

        @Test
        void aProviderAdminManagesAnyOrganization() {
            fixture.given(created(), creatorAdded())
                    .when(new RenameOrganizationCommand(ORG, "Platform", AS_PROVIDER_ADMIN))
                    .expectEvents(new OrganizationRenamed(null, NOW, ORG, PROVIDER_ADMIN, "Platform"));
        }
    }

    @Nested
    class AddingMembers {
        @Test
        void anAdminAddsAUserWithRolesAndTeams() {
            fixture.given(created(), creatorAdded(), team(TEAM, "Red"))
                    .when(new AddMemberCommand(ORG, MEMBER, List.of("member", "billing-manager", "member"), List.of(TEAM, TEAM), AS_ADMIN))
                    .expectEvents(added(MEMBER, List.of("billing-manager", "member"), List.of(TEAM)));
        }

        @Test
        void aProviderAdminWhoIsNoMemberAdds() {
            fixture.given(created(), creatorAdded())
                    .when(new AddMemberCommand(ORG, MEMBER, List.of("admin"), List.of(), AS_PROVIDER_ADMIN))
                    .expectEvents(new MemberAdded(null, NOW, ORG, PROVIDER_ADMIN, MEMBER, List.of("admin"), List.of(), JoinPath.DIRECT, null));
        }

        @Test
        void anExistingMemberIsRefused() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new AddMemberCommand(ORG, MEMBER, List.of("admin"), List.of(), AS_ADMIN))
                    .expectException(violation("already_member"))
                    .expectNoEvents();
        }

        @Test
        void onlyAdminsAdd() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member", "billing-manager"), List.of()))
                    .when(new AddMemberCommand(ORG, OUTSIDER, List.of("member"), List.of(), AS_MEMBER))
                    .expectException(violation("forbidden"));
            fixture.given(created(), creatorAdded())
                    .when(new AddMemberCommand(ORG, MEMBER, List.of("member"), List.of(), AS_OUTSIDER))
                    .expectException(violation("not_found")); // to an outsider, the organization does not exist
        }

        @Test
        void unknownOrMissingRolesAreInvalid() {
            fixture.given(created(), creatorAdded())
                    .when(new AddMemberCommand(ORG, MEMBER, List.of("owner"), List.of(), AS_ADMIN))
                    .expectException(violation("validation_failed"));
            fixture.given(created(), creatorAdded())
                    .when(new AddMemberCommand(ORG, MEMBER, List.of(), List.of(), AS_ADMIN))
                    .expectException(violation("validation_failed"));
        }

        @Test
        void anUnknownTeamIsNotFound() {
            fixture.given(created(), creatorAdded(), team(TEAM, "Red"))
                    .when(new AddMemberCommand(ORG, MEMBER, List.of("member"), List.of(TEAM, OTHER_TEAM), AS_ADMIN))
                    .expectException(violation("not_found"));
        }

        @Test
        void additionsSentTogetherAreEachJudgedByTheirOwnCallerInOrder() {
            UUID third = UUID.fromString("00000000-0000-0000-0000-000000000006");
            fixture.given(created(), creatorAdded(), added(SECOND_ADMIN, List.of("member"), List.of()))
                    .when(new AddMembersCommand(ORG, List.of(
                            addition(new AddMemberCommand(ORG, MEMBER, List.of("member"), List.of(), AS_ADMIN)),
                            addition(new AddMemberCommand(ORG, OUTSIDER, List.of("member"), List.of(), AS_OUTSIDER)),
                            addition(new AddMemberCommand(ORG, OUTSIDER, List.of("member"), List.of(), new Actor(SECOND_ADMIN, false))),
                            addition(new AddMemberCommand(ORG, MEMBER, List.of("admin"), List.of(), AS_PROVIDER_ADMIN)),
                            addition(new AddMemberCommand(ORG, third, List.of("member"), List.of(OTHER_TEAM), AS_ADMIN)),
                            addition(new AddMemberCommand(ORG, third, List.of("member"), List.of(), AS_PROVIDER_ADMIN)))))
                    .expectEvents(added(MEMBER, List.of("member"), List.of()),
                            new MemberAdded(null, NOW, ORG, PROVIDER_ADMIN, third, List.of("member"), List.of(), JoinPath.DIRECT, null))
                    .expectResultMessagePayload(List.of(AddMembersCommand.Outcome.ADDED,
                            new AddMembersCommand.Outcome("not_found", "There is nothing with the id " + ORG + " here.", null),
                            new AddMembersCommand.Outcome("forbidden", "Only an admin of the organization or a provider admin may do this.", null),
                            new AddMembersCommand.Outcome("already_member", "User " + MEMBER + " is already a member.", null),
                            new AddMembersCommand.Outcome("not_found", "There is no team " + OTHER_TEAM + " in this organization.", null),
                            AddMembersCommand.Outcome.ADDED));
        }

        @Test
        void aRefusedAdditionIsThrownAsTheCommandAloneWouldHaveThrownIt() {
            assertThatThrownBy(() -> new AddMembersCommand.Outcome("validation_failed", "Unknown role owner.", "roles").throwIfRefused())
                    .isInstanceOfSatisfying(RuleViolation.class, violation -> {
                        assertThat(violation.code()).isEqualTo("validation_failed");
                        assertThat(violation.field()).isEqualTo("roles");
                        assertThat(violation.getMessage()).isEqualTo("Unknown role owner.");
                    });
            assertThatThrownBy(() -> new AddMembersCommand.Outcome("last_admin", "No.", null).throwIfRefused())
                    .isInstanceOfSatisfying(RuleViolation.class, violation -> assertThat(violation.code()).isEqualTo("last_admin"));
            AddMembersCommand.Outcome.ADDED.throwIfRefused();
        }

        private static AddMembersCommand.Addition addition(AddMemberCommand command) {
            return new AddMembersCommand.Addition(command, java.util.Map.of());
        }

        @Test
        void theAdmissionCheckAppliesTheRulesAndChangesNothing() {
            fixture.given(created(), creatorAdded(), team(TEAM, "Red"))
                    .when(new CheckMemberAdmissionCommand(ORG, List.of("member"), List.of(TEAM), AS_ADMIN))
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents();
            fixture.given(created(), creatorAdded())
                    .when(new CheckMemberAdmissionCommand(ORG, List.of("member"), List.of(), AS_OUTSIDER))
                    .expectException(violation("not_found"));
            fixture.given(created(), creatorAdded())
                    .when(new CheckMemberAdmissionCommand(ORG, List.of("member"), List.of(TEAM), AS_ADMIN))
                    .expectException(violation("not_found"));
        }
    }

    @Nested
    class RemovingMembers {
        @Test
        void removesTheMembersWithOneBatchIdAndReportsTheOthers() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()),
                            added(SECOND_ADMIN, List.of("admin"), List.of()))
                    .when(new RemoveMembersCommand(ORG, List.of(MEMBER, OUTSIDER, SECOND_ADMIN, MEMBER), RemovalReason.REMOVED, BATCH, false, AS_ADMIN))
                    .expectEvents(
                            new MemberRemoved(null, NOW, ORG, ADMIN, MEMBER, ADMIN, RemovalReason.REMOVED, BATCH),
                            new MemberRemoved(null, NOW, ORG, ADMIN, SECOND_ADMIN, ADMIN, RemovalReason.REMOVED, BATCH))
                    .expectResultMessagePayload(new MemberRemoval(List.of(MEMBER, SECOND_ADMIN), List.of(OUTSIDER)));
        }

        @Test
        void removingTheLastAdminRemovesNobody() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new RemoveMembersCommand(ORG, List.of(MEMBER, ADMIN), RemovalReason.REMOVED, BATCH, false, AS_PROVIDER_ADMIN))
                    .expectException(violation("last_admin"))
                    .expectNoEvents();
        }

        @Test
        void removingEveryAdminAtOnceIsRefused() {
            fixture.given(created(), creatorAdded(), added(SECOND_ADMIN, List.of("admin"), List.of()))
                    .when(new RemoveMembersCommand(ORG, List.of(ADMIN, SECOND_ADMIN), RemovalReason.REMOVED, BATCH, false, AS_ADMIN))
                    .expectException(violation("last_admin"))
                    .expectNoEvents();
        }

        @Test
        void aDryRunChecksAndChangesNothing() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new RemoveMembersCommand(ORG, List.of(MEMBER), RemovalReason.ACCOUNT_DELETED, BATCH, true, AS_PROVIDER_ADMIN))
                    .expectNoEvents()
                    .expectResultMessagePayload(new MemberRemoval(List.of(MEMBER), List.of()));
            fixture.given(created(), creatorAdded())
                    .when(new RemoveMembersCommand(ORG, List.of(ADMIN), RemovalReason.ACCOUNT_DELETED, BATCH, true, AS_PROVIDER_ADMIN))
                    .expectException(violation("last_admin"));
        }

        @Test
        void onlyAdminsRemove() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new RemoveMembersCommand(ORG, List.of(ADMIN), RemovalReason.REMOVED, BATCH, false, AS_MEMBER))
                    .expectException(violation("forbidden"));
        }

        @Test
        void anAccountDeletionRemovesWithItsReason() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new RemoveMembersCommand(ORG, List.of(MEMBER), RemovalReason.ACCOUNT_DELETED, BATCH, false, AS_PROVIDER_ADMIN))
                    .expectEvents(new MemberRemoved(null, NOW, ORG, PROVIDER_ADMIN, MEMBER, PROVIDER_ADMIN, RemovalReason.ACCOUNT_DELETED, BATCH));
        }
    }

    @Nested
    class ChangingRoles {
        @Test
        void anAdminDemotesAnotherAdmin() {
            fixture.given(created(), creatorAdded(), added(SECOND_ADMIN, List.of("admin"), List.of()))
                    .when(new ChangeMemberRolesCommand(ORG, SECOND_ADMIN, List.of("member"), AS_ADMIN))
                    .expectEvents(new MemberRolesChanged(null, NOW, ORG, ADMIN, SECOND_ADMIN, List.of("member")));
        }

        @Test
        void theLastAdminCannotBeDemotedEvenByAProviderAdmin() {
            fixture.given(created(), creatorAdded())
                    .when(new ChangeMemberRolesCommand(ORG, ADMIN, List.of("member", "billing-manager"), AS_PROVIDER_ADMIN))
                    .expectException(violation("last_admin"));
        }

        @Test
        void afterOneOfTwoAdminsIsDemotedTheOtherIsTheLast() {
            fixture.given(created(), creatorAdded(), added(SECOND_ADMIN, List.of("admin"), List.of()),
                            new MemberRolesChanged(null, NOW, ORG, ADMIN, SECOND_ADMIN, List.of("member")))
                    .when(new ChangeMemberRolesCommand(ORG, ADMIN, List.of("member"), AS_PROVIDER_ADMIN))
                    .expectException(violation("last_admin"));
        }

        @Test
        void theSameRolesChangeNothing() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("billing-manager", "member"), List.of()))
                    .when(new ChangeMemberRolesCommand(ORG, MEMBER, List.of("member", "billing-manager"), AS_ADMIN))
                    .expectSuccessfulHandlerExecution()
                    .expectNoEvents();
        }

        @Test
        void aNonMemberIsNotFoundAndOnlyAdminsChangeRoles() {
            fixture.given(created(), creatorAdded())
                    .when(new ChangeMemberRolesCommand(ORG, OUTSIDER, List.of("member"), AS_ADMIN))
                    .expectException(violation("not_found"));
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new ChangeMemberRolesCommand(ORG, MEMBER, List.of("admin"), AS_MEMBER))
                    .expectException(violation("forbidden"));
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new ChangeMemberRolesCommand(ORG, MEMBER, List.of("superuser"), AS_ADMIN))
                    .expectException(violation("validation_failed"));
        }
    }

    @Nested
    class Teams {
        @Test
        void anAdminCreatesATeam() {
            fixture.given(created(), creatorAdded())
                    .when(new CreateTeamCommand(ORG, TEAM, " Red ", "  ", AS_ADMIN))
                    .expectEvents(team(TEAM, "Red"));
        }

        @Test
        void teamNamesAreUniqueWithoutCase() {
            fixture.given(created(), creatorAdded(), team(TEAM, "Red"))
                    .when(new CreateTeamCommand(ORG, OTHER_TEAM, "RED", null, AS_ADMIN))
                    .expectException(violation("team_name_taken"));
            fixture.given(created(), creatorAdded(), team(TEAM, "Red"), team(OTHER_TEAM, "Blue"))
                    .when(new UpdateTeamCommand(ORG, OTHER_TEAM, "red", null, AS_ADMIN))
                    .expectException(violation("team_name_taken"));
        }

        @Test
        void aTeamIsRenamedKeepingItsDescriptionAndMayChangeItsOwnCase() {
            fixture.given(created(), creatorAdded(), new TeamCreated(null, NOW, ORG, ADMIN, TEAM, "Red", "the red ones"))
                    .when(new UpdateTeamCommand(ORG, TEAM, "RED", null, AS_ADMIN))
                    .expectEvents(new TeamRenamed(null, NOW, ORG, ADMIN, TEAM, "RED", "the red ones"));
            fixture.given(created(), creatorAdded(), new TeamCreated(null, NOW, ORG, ADMIN, TEAM, "Red", "the red ones"))
                    .when(new UpdateTeamCommand(ORG, TEAM, null, "", AS_ADMIN))
                    .expectEvents(new TeamRenamed(null, NOW, ORG, ADMIN, TEAM, "Red", null));
        }

        @Test
        void unknownTeamsAreNotFoundAndOnlyAdminsManageTeams() {
            fixture.given(created(), creatorAdded())
                    .when(new UpdateTeamCommand(ORG, TEAM, "x", null, AS_ADMIN))
                    .expectException(violation("not_found"));
            fixture.given(created(), creatorAdded())
                    .when(new DeleteTeamCommand(ORG, TEAM, AS_ADMIN))
                    .expectException(violation("not_found"));
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new CreateTeamCommand(ORG, TEAM, "Mine", null, AS_MEMBER))
                    .expectException(violation("forbidden"));
        }

        @Test
        void deletingATeamTakesItFromEachOfItsMembersFirst() {
            fixture.given(created(), creatorAdded(), team(TEAM, "Red"), team(OTHER_TEAM, "Blue"),
                            added(MEMBER, List.of("member"), List.of(TEAM, OTHER_TEAM)),
                            added(SECOND_ADMIN, List.of("admin"), List.of(TEAM)),
                            added(OUTSIDER, List.of("member"), List.of(OTHER_TEAM)))
                    .when(new DeleteTeamCommand(ORG, TEAM, AS_ADMIN))
                    .expectEvents(
                            new MemberTeamsChanged(null, NOW, ORG, ADMIN, SECOND_ADMIN, List.of()),
                            new MemberTeamsChanged(null, NOW, ORG, ADMIN, MEMBER, List.of(OTHER_TEAM)),
                            new TeamDeleted(null, NOW, ORG, ADMIN, TEAM));
        }

        @Test
        void aMembersTeamsAreSetToExistingTeamsOnly() {
            fixture.given(created(), creatorAdded(), team(TEAM, "Red"), added(MEMBER, List.of("member"), List.of()))
                    .when(new SetMemberTeamsCommand(ORG, MEMBER, List.of(TEAM), AS_ADMIN))
                    .expectEvents(new MemberTeamsChanged(null, NOW, ORG, ADMIN, MEMBER, List.of(TEAM)));
            fixture.given(created(), creatorAdded(), team(TEAM, "Red"), added(MEMBER, List.of("member"), List.of(TEAM)))
                    .when(new SetMemberTeamsCommand(ORG, MEMBER, List.of(TEAM), AS_ADMIN))
                    .expectNoEvents();
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new SetMemberTeamsCommand(ORG, MEMBER, List.of(TEAM), AS_ADMIN))
                    .expectException(violation("not_found"));
            fixture.given(created(), creatorAdded(), team(TEAM, "Red"))
                    .when(new SetMemberTeamsCommand(ORG, OUTSIDER, List.of(TEAM), AS_ADMIN))
                    .expectException(violation("not_found"));
        }
    }

    @Nested
    class Leaving {
        @Test
        void aMemberLeaves() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new LeaveOrganizationCommand(ORG, MEMBER))
                    .expectEvents(new MemberRemoved(null, NOW, ORG, MEMBER, MEMBER, MEMBER, RemovalReason.LEFT, null));
        }

        @Test
        void theLastAdminCannotLeaveButOneOfTwoCan() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()))
                    .when(new LeaveOrganizationCommand(ORG, ADMIN))
                    .expectException(violation("last_admin"));
            fixture.given(created(), creatorAdded(), added(SECOND_ADMIN, List.of("admin"), List.of()))
                    .when(new LeaveOrganizationCommand(ORG, ADMIN))
                    .expectEvents(new MemberRemoved(null, NOW, ORG, ADMIN, ADMIN, ADMIN, RemovalReason.LEFT, null));
        }

        @Test
        void aNonMemberCannotLeave() {
            fixture.given(created(), creatorAdded())
                    .when(new LeaveOrganizationCommand(ORG, OUTSIDER))
                    .expectException(violation("not_found"));
        }

        @Test
        void aMemberWhoLeftCanBeAddedAgain() {
            fixture.given(created(), creatorAdded(), added(MEMBER, List.of("member"), List.of()),
                            new MemberRemoved(null, NOW, ORG, MEMBER, MEMBER, MEMBER, RemovalReason.LEFT, null))
                    .when(new AddMemberCommand(ORG, MEMBER, List.of("member"), List.of(), AS_ADMIN))
                    .expectEvents(added(MEMBER, List.of("member"), List.of()));
        }
    }

    /** The snapshot is written by the service's primary serializer: its Jackson settings must round-trip the state. */
    @Test
    void theStateSurvivesASnapshotRoundTrip() throws Exception {
        Organization organization = new Organization();
        organization.on(created());
        organization.on(creatorAdded());
        organization.on(team(TEAM, "Red"));
        organization.on(added(MEMBER, List.of("billing-manager", "member"), List.of(TEAM)));
        organization.on(added(SECOND_ADMIN, List.of("admin"), List.of()));
        Serializer serializer = JacksonSerializer.builder().objectMapper(EventJson.configure(new ObjectMapper())).defaultTyping().build();

        SerializedObject<byte[]> snapshot = serializer.serialize(organization, byte[].class);
        Organization restored = serializer.deserialize(snapshot);

        assertThat(restored).usingRecursiveComparison().isEqualTo(organization);
        FixtureConfiguration<Organization> fromSnapshot = new AggregateTestFixture<>(Organization.class);
        fromSnapshot.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
        fromSnapshot.registerFieldFilter(field -> !field.getName().equals("eventId"));
        fromSnapshot.givenState(() -> restored)
                .when(new ChangeMemberRolesCommand(ORG, SECOND_ADMIN, List.of("member"), AS_ADMIN))
                .expectEvents(new MemberRolesChanged(null, NOW, ORG, ADMIN, SECOND_ADMIN, List.of("member")));
    }
}

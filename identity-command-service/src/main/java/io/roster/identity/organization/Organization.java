package io.roster.identity.organization;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import io.roster.events.ProblemCode;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.MemberTeamsChanged;
import io.roster.events.identity.MembershipExpiryChanged;
import io.roster.events.identity.OrganizationAccessRule;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.events.identity.OrganizationRole;
import io.roster.events.identity.RemovalReason;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.identity.access.Actor;
import io.roster.kit.web.RuleViolation;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.MetaData;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.serialization.Revision;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * An organization and only the facts its rules need: each member's roles (as bits), the teams of the
 * members that have some, the teams' names, the end dates of the memberships that have one, and the number of
 * admins. At ten thousand members this is a
 * few hundred kilobytes; it is cached between commands and snapshotted every
 * {@code roster.identity.organizations.snapshot-threshold} (500) events by the {@code serializer} bean (Jackson, fields).
 * Bump {@link Revision} when the state's shape changes: older snapshots are then ignored.
 */
@Aggregate(snapshotTriggerDefinition = OrganizationStore.SNAPSHOT_TRIGGER, cache = OrganizationStore.CACHE)
@Revision("2")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE, setterVisibility = JsonAutoDetect.Visibility.NONE)
class Organization {

    static final String ADMIN = OrganizationRoles.ADMIN;

    @AggregateIdentifier
    private UUID organizationId;
    private String name;
    /** Member → role bits ({@link OrganizationRoles}). */
    private MemberRoles members = new MemberRoles();
    /** Member → teams, only for members in at least one team. */
    private Map<UUID, List<UUID>> memberTeams = new HashMap<>();
    private Map<UUID, Team> teams = new LinkedHashMap<>();
    private int admins;
    /**
     * Member → the instant the membership ends by itself, only for members with an end date. An admin with one does
     * not keep the organization administered: the rules count {@link #lastingAdmins()}.
     */
    private Map<UUID, Instant> expiries = new HashMap<>();

    /** A team as the rules need it (the description only to keep it when a rename leaves it out). */
    record Team(String name, String description) {
    }

    Organization() {
        // for Axon
    }

    @CommandHandler
    Organization(CreateOrganizationCommand command, Clock clock) {
        apply(new OrganizationCreated(UUID.randomUUID(), clock.instant(), command.organizationId(),
                command.creatorId(), command.name().strip()));
        apply(new MemberAdded(UUID.randomUUID(), clock.instant(), command.organizationId(), command.creatorId(),
                command.creatorId(), List.of(ADMIN), List.of(), JoinPath.DIRECT, null));
    }

    @CommandHandler
    void handle(RenameOrganizationCommand command, Clock clock) {
        requireManager(command.actor());
        String newName = command.name() == null ? "" : command.name().strip();
        if (newName.isEmpty()) {
            throw RuleViolation.invalidField("name", "An organization needs a name.");
        }
        if (newName.equals(name)) {
            return;
        }
        apply(new OrganizationRenamed(UUID.randomUUID(), clock.instant(), organizationId, command.actor().userId(), newName));
    }

    @CommandHandler
    void handle(CheckMemberAdmissionCommand command) {
        requireManager(command.actor());
        validRoles(command.roles());
        existingTeams(command.teamIds());
    }

    @CommandHandler
    void handle(AddMemberCommand command, Clock clock) {
        add(command, clock, MetaData.emptyInstance());
    }

    @CommandHandler
    List<AddMembersCommand.Outcome> handle(AddMembersCommand command, Clock clock) {
        List<AddMembersCommand.Outcome> outcomes = new ArrayList<>(command.additions().size());
        for (AddMembersCommand.Addition addition : command.additions()) {
            try {
                add(addition.command(), clock, MetaData.from(addition.eventMetaData()));
                outcomes.add(AddMembersCommand.Outcome.ADDED);
            } catch (RuleViolation refused) {
                // refused before any event: the additions after it see the organization as it was
                outcomes.add(AddMembersCommand.Outcome.refused(refused));
            }
        }
        return outcomes;
    }

    /** @param origin what the event carries besides the command's own metadata (its request's trace), or nothing */
    private void add(AddMemberCommand command, Clock clock, MetaData origin) {
        requireManager(command.actor());
        List<String> roles = validRoles(command.roles());
        List<UUID> teamIds = existingTeams(command.teamIds());
        if (members.contains(command.userId())) {
            throw new RuleViolation(ProblemCode.ALREADY_MEMBER, "User " + command.userId() + " is already a member.");
        }
        if (command.expiresAt() != null && isAdmin(OrganizationRoles.bits(roles))) {
            requireLastingAdminBesides(command.userId(), "An admin with an end date needs another admin without one;"
                    + " add them without expiresAt or make someone else a lasting admin first.");
        }
        apply(new MemberAdded(UUID.randomUUID(), clock.instant(), organizationId, command.actor().userId(),
                command.userId(), roles, teamIds, JoinPath.DIRECT, null, command.expiresAt()), origin);
    }

    @CommandHandler
    boolean handle(AcceptInvitationMembershipCommand command, Clock clock) {
        return join(command, clock, MetaData.emptyInstance());
    }

    /** @param origin what the event carries besides the command's own metadata (a join's cause and trace), or nothing */
    private boolean join(AcceptInvitationMembershipCommand command, Clock clock, MetaData origin) {
        if (members.contains(command.userId())) {
            return false;
        }
        List<String> roles = validRoles(command.roles());
        List<UUID> teamIds = command.teamIds() == null ? List.of()
                : command.teamIds().stream().distinct().filter(teams::containsKey).toList();
        // an admin invited with an end date joins without one rather than not at all, if no lasting admin would remain
        Instant expiresAt = command.membershipExpiresAt() != null && isAdmin(OrganizationRoles.bits(roles))
                && lastingAdminsBesides(command.userId()) == 0 ? null : command.membershipExpiresAt();
        apply(new MemberAdded(UUID.randomUUID(), clock.instant(), organizationId, command.userId(),
                command.userId(), roles, teamIds, command.via(), command.invitationId(), expiresAt), origin);
        return true;
    }

    @CommandHandler
    List<AcceptInvitationMembershipsCommand.Outcome> handle(AcceptInvitationMembershipsCommand command, Clock clock) {
        List<AcceptInvitationMembershipsCommand.Outcome> outcomes = new ArrayList<>(command.joins().size());
        for (AcceptInvitationMembershipsCommand.Join join : command.joins()) {
            try {
                outcomes.add(new AcceptInvitationMembershipsCommand.Outcome(
                        join(join.command(), clock, MetaData.from(join.eventMetaData())), null, null));
            } catch (RuleViolation refused) {
                // refused before any event: the joins after it see the organization as it was
                outcomes.add(new AcceptInvitationMembershipsCommand.Outcome(false, refused.code(), refused.getMessage()));
            }
        }
        return outcomes;
    }

    @CommandHandler
    MemberRemoval handle(RemoveMembersCommand command, Clock clock) {
        requireManager(command.actor());
        List<UUID> removed = new ArrayList<>();
        List<UUID> notMembers = new ArrayList<>();
        for (UUID userId : new LinkedHashSet<>(command.userIds())) {
            (members.contains(userId) ? removed : notMembers).add(userId);
        }
        long removedAdmins = removed.stream().filter(this::isLastingAdmin).count();
        if (removedAdmins > 0 && removedAdmins >= lastingAdmins()) {
            throw new RuleViolation(ProblemCode.LAST_ADMIN, "Removing " + (removed.size() == 1 ? "this member" : "these members")
                    + " would leave the organization without an admin; make someone else an admin first.");
        }
        if (!command.dryRun()) {
            for (UUID userId : removed) {
                apply(new MemberRemoved(UUID.randomUUID(), clock.instant(), organizationId, command.actor().userId(),
                        userId, command.actor().userId(), command.reason(), command.batchId()));
            }
        }
        return new MemberRemoval(List.copyOf(removed), List.copyOf(notMembers));
    }

    @CommandHandler
    void handle(ChangeMemberRolesCommand command, Clock clock) {
        requireManager(command.actor());
        List<String> roles = validRoles(command.roles());
        Integer current = requireMember(command.userId());
        int wanted = OrganizationRoles.bits(roles);
        if (current == wanted) {
            return;
        }
        if (isLastingAdmin(command.userId()) && !isAdmin(wanted) && lastingAdmins() <= 1) {
            throw new RuleViolation(ProblemCode.LAST_ADMIN, "This member is the organization's last admin; make someone else an admin first.");
        }
        if (!isAdmin(current) && isAdmin(wanted) && expiries.containsKey(command.userId())) {
            requireLastingAdminBesides(command.userId(), "This member's membership has an end date, and an admin with one"
                    + " needs another admin without one; remove the end date or make someone else a lasting admin first.");
        }
        apply(new MemberRolesChanged(UUID.randomUUID(), clock.instant(), organizationId, command.actor().userId(),
                command.userId(), roles));
    }

    @CommandHandler
    void handle(SetMemberTeamsCommand command, Clock clock) {
        requireManager(command.actor());
        List<UUID> teamIds = existingTeams(command.teamIds());
        requireMember(command.userId());
        if (new LinkedHashSet<>(teamIds).equals(new LinkedHashSet<>(memberTeams.getOrDefault(command.userId(), List.of())))) {
            return;
        }
        apply(new MemberTeamsChanged(UUID.randomUUID(), clock.instant(), organizationId, command.actor().userId(),
                command.userId(), teamIds));
    }

    @CommandHandler
    void handle(LeaveOrganizationCommand command, Clock clock) {
        Integer roles = members.get(command.userId());
        if (roles == null) {
            // not theirs to leave: to them it does not exist (OrganizationAccessRule)
            throw RuleViolation.nothingWithId(organizationId);
        }
        if (isLastingAdmin(command.userId()) && lastingAdmins() <= 1) {
            throw new RuleViolation(ProblemCode.LAST_ADMIN, "You are the organization's last admin; make someone else an admin before leaving.");
        }
        apply(new MemberRemoved(UUID.randomUUID(), clock.instant(), organizationId, command.userId(), command.userId(),
                command.userId(), RemovalReason.LEFT, null));
    }

    @CommandHandler
    void handle(ChangeMembershipExpiryCommand command, Clock clock) {
        requireManager(command.actor());
        requireMember(command.userId());
        Instant previous = expiries.get(command.userId());
        if (Objects.equals(previous, command.expiresAt())) {
            return;
        }
        if (command.expiresAt() != null && isAdmin(command.userId())) {
            requireLastingAdminBesides(command.userId(), "This member is an admin, and the organization needs an admin"
                    + " without an end date; make someone else a lasting admin first.");
        }
        apply(new MembershipExpiryChanged(UUID.randomUUID(), clock.instant(), organizationId, command.actor().userId(),
                command.userId(), command.expiresAt(), previous));
    }

    /**
     * Ends a membership whose end date has come (the expiry job, nobody asking). Answers whether it did: a member
     * removed or given a later end date meanwhile, or one another instance expired first, is left alone.
     */
    @CommandHandler
    boolean handle(ExpireMembershipCommand command, Clock clock) {
        Instant expiresAt = expiries.get(command.userId());
        if (!members.contains(command.userId()) || expiresAt == null || expiresAt.isAfter(clock.instant())) {
            return false;
        }
        apply(new MemberExpired(UUID.randomUUID(), clock.instant(), organizationId, null, command.userId(), expiresAt));
        return true;
    }

    @CommandHandler
    void handle(CreateTeamCommand command, Clock clock) {
        requireManager(command.actor());
        String teamName = teamName(command.name());
        requireFreeTeamName(teamName, null);
        apply(new TeamCreated(UUID.randomUUID(), clock.instant(), organizationId, command.actor().userId(),
                command.teamId(), teamName, description(command.description())));
    }

    @CommandHandler
    void handle(UpdateTeamCommand command, Clock clock) {
        requireManager(command.actor());
        Team team = requireTeam(command.teamId());
        String newName = command.name() == null ? team.name() : teamName(command.name());
        String newDescription = command.description() == null ? team.description() : description(command.description());
        requireFreeTeamName(newName, command.teamId());
        if (newName.equals(team.name()) && Objects.equals(newDescription, team.description())) {
            return;
        }
        apply(new TeamRenamed(UUID.randomUUID(), clock.instant(), organizationId, command.actor().userId(),
                command.teamId(), newName, newDescription));
    }

    @CommandHandler
    void handle(DeleteTeamCommand command, Clock clock) {
        requireManager(command.actor());
        requireTeam(command.teamId());
        List<Map.Entry<UUID, List<UUID>>> affected = memberTeams.entrySet().stream()
                .filter(entry -> entry.getValue().contains(command.teamId()))
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(UUID::toString)))
                .map(entry -> Map.entry(entry.getKey(), entry.getValue().stream().filter(id -> !id.equals(command.teamId())).toList()))
                .toList();
        for (Map.Entry<UUID, List<UUID>> member : affected) {
            apply(new MemberTeamsChanged(UUID.randomUUID(), clock.instant(), organizationId, command.actor().userId(),
                    member.getKey(), member.getValue()));
        }
        apply(new TeamDeleted(UUID.randomUUID(), clock.instant(), organizationId, command.actor().userId(), command.teamId()));
    }

    // --- rules ---

    /** The one access rule of every service ({@link OrganizationAccessRule}), applied to this organization's members. */
    private void requireManager(Actor actor) {
        Integer bits = members.get(actor.userId());
        List<String> roles = bits == null ? null : OrganizationRoles.names(bits);
        OrganizationAccessRule.refusal(OrganizationAccessRule.Need.ADMIN, actor.providerAdmin(), roles, () -> true)
                .ifPresent(refusal -> {
                    // a non-member reads what an organization that does not exist answers, word for word
                    throw refusal == ProblemCode.NOT_FOUND ? RuleViolation.nothingWithId(organizationId)
                            : new RuleViolation(refusal, "Only an admin of the organization or a provider admin may do this.");
                });
    }

    private Integer requireMember(UUID userId) {
        Integer roles = members.get(userId);
        if (roles == null) {
            throw new RuleViolation(ProblemCode.NOT_FOUND, "User " + userId + " is not a member of this organization.");
        }
        return roles;
    }

    private Team requireTeam(UUID teamId) {
        Team team = teams.get(teamId);
        if (team == null) {
            throw new RuleViolation(ProblemCode.NOT_FOUND, "There is no team " + teamId + " in this organization.");
        }
        return team;
    }

    private static List<String> validRoles(Collection<String> roles) {
        if (roles == null || roles.isEmpty()) {
            throw RuleViolation.invalidField("roles", "A member needs at least one role.");
        }
        List<String> unknown = OrganizationRole.unknown(roles);
        if (!unknown.isEmpty()) {
            throw RuleViolation.invalidField("roles", "Unknown roles " + unknown + "; the roles are " + OrganizationRole.NAMES + ".");
        }
        return OrganizationRoles.names(OrganizationRoles.bits(roles));
    }

    private List<UUID> existingTeams(Collection<UUID> teamIds) {
        if (teamIds == null) {
            return List.of();
        }
        List<UUID> distinct = List.copyOf(new LinkedHashSet<>(teamIds));
        for (UUID teamId : distinct) {
            requireTeam(teamId);
        }
        return distinct;
    }

    private static String teamName(String name) {
        String stripped = name == null ? "" : name.strip();
        if (stripped.isEmpty()) {
            throw RuleViolation.invalidField("name", "A team needs a name.");
        }
        return stripped;
    }

    private static String description(String description) {
        return description == null || description.isBlank() ? null : description.strip();
    }

    private void requireFreeTeamName(String teamName, UUID exceptTeam) {
        String wanted = teamName.toLowerCase(Locale.ROOT);
        teams.forEach((teamId, team) -> {
            if (!teamId.equals(exceptTeam) && team.name().toLowerCase(Locale.ROOT).equals(wanted)) {
                throw new RuleViolation(ProblemCode.TEAM_NAME_TAKEN, "The organization already has a team named \"" + team.name() + "\".");
            }
        });
    }

    private boolean isAdmin(UUID userId) {
        return isAdmin(members.get(userId));
    }

    /** An admin whose membership has no end date: one of those keeps the organization administered. */
    private boolean isLastingAdmin(UUID userId) {
        return isAdmin(userId) && !expiries.containsKey(userId);
    }

    /** Admins without an end date (the members with one are few, so this counts those rather than everyone). */
    private long lastingAdmins() {
        return admins - expiries.keySet().stream().filter(this::isAdmin).count();
    }

    private long lastingAdminsBesides(UUID userId) {
        return lastingAdmins() - (isLastingAdmin(userId) ? 1 : 0);
    }

    private void requireLastingAdminBesides(UUID userId, String message) {
        if (lastingAdminsBesides(userId) == 0) {
            throw new RuleViolation(ProblemCode.LAST_ADMIN, message);
        }
    }

    private static boolean isAdmin(Integer roles) {
        return roles != null && (roles & OrganizationRoles.ADMIN_BIT) != 0;
    }

    // --- state ---

    @EventSourcingHandler
    void on(OrganizationCreated event) {
        this.organizationId = event.organizationId();
        this.name = event.name();
    }

    @EventSourcingHandler
    void on(OrganizationRenamed event) {
        this.name = event.name();
    }

    @EventSourcingHandler
    void on(MemberAdded event) {
        setRoles(event.userId(), OrganizationRoles.bits(event.roles()));
        setTeams(event.userId(), event.teamIds());
        setExpiry(event.userId(), event.expiresAt());
    }

    @EventSourcingHandler
    void on(MembershipExpiryChanged event) {
        setExpiry(event.userId(), event.expiresAt());
    }

    @EventSourcingHandler
    void on(MemberRolesChanged event) {
        setRoles(event.userId(), OrganizationRoles.bits(event.roles()));
    }

    @EventSourcingHandler
    void on(MemberTeamsChanged event) {
        setTeams(event.userId(), event.teamIds());
    }

    @EventSourcingHandler
    void on(MemberRemoved event) {
        removeMember(event.userId());
    }

    @EventSourcingHandler
    void on(MemberExpired event) {
        removeMember(event.userId());
    }

    @EventSourcingHandler
    void on(TeamCreated event) {
        teams.put(event.teamId(), new Team(event.name(), event.description()));
    }

    @EventSourcingHandler
    void on(TeamRenamed event) {
        teams.put(event.teamId(), new Team(event.name(), event.description()));
    }

    @EventSourcingHandler
    void on(TeamDeleted event) {
        teams.remove(event.teamId());
    }

    private void setRoles(UUID userId, int roles) {
        Integer previous = members.put(userId, roles);
        admins += (isAdmin(roles) ? 1 : 0) - (isAdmin(previous) ? 1 : 0);
    }

    private void removeMember(UUID userId) {
        if (isAdmin(members.remove(userId))) {
            admins--;
        }
        memberTeams.remove(userId);
        expiries.remove(userId);
    }

    private void setExpiry(UUID userId, Instant expiresAt) {
        if (expiresAt == null) {
            expiries.remove(userId);
        } else {
            expiries.put(userId, expiresAt);
        }
    }

    private void setTeams(UUID userId, List<UUID> teamIds) {
        if (teamIds == null || teamIds.isEmpty()) {
            memberTeams.remove(userId);
        } else {
            memberTeams.put(userId, new ArrayList<>(teamIds));
        }
    }
}

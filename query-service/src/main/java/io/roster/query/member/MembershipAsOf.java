package io.roster.query.member;

import com.mongodb.client.MongoCursor;
import io.roster.events.RosterEvent;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MembershipExpiryChanged;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.MemberTeamsChanged;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserProfileUpdated;
import io.roster.events.identity.UserRegistered;
import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.web.Page;
import io.roster.kit.web.PageRequest;
import io.roster.query.audit.AuditEntry;
import io.roster.query.audit.AuditLog;
import io.roster.query.audit.InstantParameter;
import io.roster.query.consistency.ConsistencyGate;
import io.roster.query.user.UserProfile;
import io.roster.query.web.KeysetCursor;
import io.roster.query.web.QueryParameters;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * {@code GET /organizations/{id}/members?asOf=<instant>}: exactly who was a member at that instant, with the roles
 * and teams they had then and the team names and profiles as they were then. It folds the organization's own
 * event stream from the audit log, in stream order, up to its last event at or before the instant; the members'
 * names and emails come from their own account events up to the instant in the same way. The page has the shape
 * and order of the current members list, so its cursors and filters ({@code q}, {@code role}, {@code teamId})
 * work the same; pending invitees are not part of a past membership ({@code status=pending} lists none).
 *
 * <p>A future instant is refused: its answer could still change, and a point-in-time answer should not.
 * Each request folds the history again, which is linear in the organization's number of events.
 *
 * <p>Not a bean of its own: the member list's controller makes it, so that the read-model packages stay free of
 * the audit package for whoever wires only those.
 */
final class MembershipAsOf {

    private static final List<String> ACCOUNT_EVENTS = List.of("UserRegistered", "UserProfileUpdated", "UserDeleted");
    /** Keeps each {@code $in} of member ids a modest size, whatever the organization's. */
    private static final int USERS_PER_QUERY = 500;
    private static final Comparator<MemberRow> LIST_ORDER = Comparator.comparing(MemberRow::emailLower).thenComparing(MemberRow::id);

    private final AuditLog audit;
    private final OrganizationAccess access;
    private final ConsistencyGate consistency;
    private final Clock clock = Clock.systemUTC();

    MembershipAsOf(AuditLog audit, OrganizationAccess access, ConsistencyGate consistency) {
        this.audit = audit;
        this.access = access;
        this.consistency = consistency;
    }

    Mono<Page<MemberView>> list(UUID organizationId, String asOf, String q, String role, String teamId, String status,
                                String limit, String cursor, ServerWebExchange exchange) {
        QueryParameters params = new QueryParameters();
        PageRequest page = params.page(limit, cursor);
        MemberFilter filter = MemberFilter.parse(organizationId, q, role, teamId, status, page, params);
        Instant instant = InstantParameter.parse(params, "asOf", asOf);
        if (instant != null && instant.isAfter(clock.instant())) {
            params.reject("asOf", "must not be in the future");
        }
        params.validate();
        return consistency.read(exchange, caller -> {
                    access.requireMember(caller, organizationId);
                    List<MemberRow> rows = membersAt(organizationId, instant).stream()
                            .filter(matching(filter)).sorted(LIST_ORDER).limit(page.fetchSize()).toList();
                    return Page.of(rows, page, MemberRow::cursor).map(MemberRow::view);
                });
    }

    /** The organization's members at the instant, in no particular order. Blocking (MongoDB). */
    List<MemberRow> membersAt(UUID organizationId, Instant instant) {
        Fold fold = new Fold();
        try (MongoCursor<AuditEntry> events = audit.streamOf(organizationId.toString()).cursor()) {
            while (events.hasNext()) {
                AuditEntry entry = events.next();
                // the stream's prefix up to the instant: the state the organization was in then
                if (entry.occurredAt().isAfter(instant)) {
                    break;
                }
                fold.apply(entry.toEvent());
            }
        }
        Accounts accounts = accountsAt(fold.members.keySet(), instant);
        List<MemberRow> rows = new ArrayList<>(fold.members.size());
        fold.members.forEach((userId, membership) -> {
            if (accounts.deleted.contains(userId)) {
                // identity removes every membership before it deletes an account; this only guards against a log without them
                return;
            }
            UserProfile profile = accounts.profiles.getOrDefault(userId, new UserProfile(userId, null, null, null, 0));
            rows.add(new MemberRow(MemberRow.idOf(organizationId, userId), organizationId, userId, profile.email(),
                    profile.emailLower(), profile.firstName(), profile.lastName(), membership.roles,
                    fold.teamRefs(membership.teamIds), MemberStatus.ACTIVE, membership.joinedAt, null, membership.expiresAt));
        });
        return rows;
    }

    /** Each member's email and name at the instant, from their account's events; one query per batch of members. */
    private Accounts accountsAt(Set<UUID> userIds, Instant instant) {
        Accounts accounts = new Accounts();
        List<String> ids = userIds.stream().map(UUID::toString).toList();
        for (int start = 0; start < ids.size(); start += USERS_PER_QUERY) {
            List<String> batch = ids.subList(start, Math.min(ids.size(), start + USERS_PER_QUERY));
            Set<String> pastTheInstant = new HashSet<>();
            try (MongoCursor<AuditEntry> events = audit.streamsOf(batch, ACCOUNT_EVENTS).cursor()) {
                while (events.hasNext()) {
                    AuditEntry entry = events.next();
                    // each account's stream up to its first event after the instant, as for the organization
                    if (pastTheInstant.contains(entry.aggregateId()) || entry.occurredAt().isAfter(instant)) {
                        pastTheInstant.add(entry.aggregateId());
                        continue;
                    }
                    accounts.apply(entry.toEvent());
                }
            }
        }
        return accounts;
    }

    private static Predicate<MemberRow> matching(MemberFilter filter) {
        return row -> filter.status() != MemberStatus.PENDING
                && (filter.role() == null || row.roles().contains(filter.role()))
                && (filter.teamId() == null || row.teams().stream().anyMatch(team -> team.teamId().equals(filter.teamId())))
                && (filter.prefix() == null || new UserProfile(row.userId(), row.email(), row.firstName(), row.lastName(), 0)
                        .searchTerms().stream().anyMatch(term -> term.startsWith(filter.prefix())))
                && (filter.after() == null || isAfter(row, filter.after()));
    }

    private static boolean isAfter(MemberRow row, KeysetCursor cursor) {
        int byKey = row.emailLower().compareTo(cursor.key());
        return byKey > 0 || (byKey == 0 && row.id().compareTo(cursor.id()) > 0);
    }

    /** One membership while folding: roles and team ids as the last event set them, since when it exists. */
    private static final class Membership {
        private List<String> roles;
        private List<UUID> teamIds;
        private final Instant joinedAt;
        private Instant expiresAt;

        private Membership(List<String> roles, List<UUID> teamIds, Instant joinedAt, Instant expiresAt) {
            this.roles = List.copyOf(roles);
            this.teamIds = teamIds == null ? List.of() : List.copyOf(teamIds);
            this.joinedAt = joinedAt;
            this.expiresAt = expiresAt;
        }
    }

    /** The organization's memberships and teams, event by event. */
    private static final class Fold {
        private final Map<UUID, Membership> members = new LinkedHashMap<>();
        private final Map<UUID, String> teamNames = new HashMap<>();

        void apply(RosterEvent event) {
            if (event instanceof MemberAdded added) {
                members.put(added.userId(), new Membership(added.roles(), added.teamIds(), added.occurredAt(), added.expiresAt()));
            } else if (event instanceof MemberRemoved removed) {
                members.remove(removed.userId());
            } else if (event instanceof MemberExpired expired) {
                members.remove(expired.userId());
            } else if (event instanceof MembershipExpiryChanged changed) {
                ifMember(changed.userId(), m -> m.expiresAt = changed.expiresAt());
            } else if (event instanceof MemberRolesChanged changed) {
                ifMember(changed.userId(), m -> m.roles = List.copyOf(changed.roles()));
            } else if (event instanceof MemberTeamsChanged changed) {
                ifMember(changed.userId(), m -> m.teamIds = List.copyOf(changed.teamIds()));
            } else if (event instanceof TeamCreated created) {
                teamNames.put(created.teamId(), created.name());
            } else if (event instanceof TeamRenamed renamed) {
                teamNames.put(renamed.teamId(), renamed.name());
            } else if (event instanceof TeamDeleted deleted) {
                teamNames.remove(deleted.teamId());
            }
        }

        private void ifMember(UUID userId, Consumer<Membership> change) {
            Membership membership = members.get(userId);
            if (membership != null) {
                change.accept(membership);
            }
        }

        /** A member's teams that existed then, with their names then, in the member's order. */
        List<TeamRef> teamRefs(List<UUID> teamIds) {
            return teamIds.stream().distinct()
                    .map(id -> teamNames.containsKey(id) ? new TeamRef(id, teamNames.get(id)) : null)
                    .filter(Objects::nonNull).toList();
        }
    }

    /** Members' accounts at the instant: their profiles, and which were already deleted. */
    private static final class Accounts {
        private final Map<UUID, UserProfile> profiles = new HashMap<>();
        private final Set<UUID> deleted = new HashSet<>();

        void apply(RosterEvent event) {
            if (event instanceof UserRegistered registered) {
                profiles.put(registered.userId(), new UserProfile(registered.userId(), registered.email(),
                        registered.firstName(), registered.lastName(), 0));
            } else if (event instanceof UserProfileUpdated updated) {
                UserProfile before = profiles.getOrDefault(updated.userId(), new UserProfile(updated.userId(), null, null, null, 0));
                profiles.put(updated.userId(), before.withName(updated.firstName(), updated.lastName(), 0));
            } else if (event instanceof UserDeleted deleted) {
                this.deleted.add(deleted.userId());
            }
        }
    }
}

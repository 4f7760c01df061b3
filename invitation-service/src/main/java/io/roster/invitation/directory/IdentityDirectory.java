package io.roster.invitation.directory;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EmailAddress;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.events.identity.OrganizationRole;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserEmailVerified;
import io.roster.events.identity.UserRegistered;
import io.roster.kit.consumer.HeldWrites;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The invitation service's own projection of {@code roster.identity.v1}: organizations (name, teams),
 * memberships (roles) and users (email, verified). Authorization and {@code already_member} are decided
 * from it, never by calling the identity service. Each event is applied once and in order per aggregate: the consumer
 * runtime of {@link IdentityEventConsumer} guards the sequences ({@code directory-applied-sequences-v2}).
 *
 * <p>The collections are {@code -v2}, read by the consumer group {@code invitation-service-v2}: v2 added the
 * team names (bulk CSV rows name their teams), and teams projected by v1 have none, so the directory is
 * rebuilt from the start of {@code roster.identity.v1} (unlimited retention) into new collections.
 */
@Component
public class IdentityDirectory {


    private final MongoCollection<Document> organizations;
    private final MongoCollection<Document> memberships;
    private final MongoCollection<Document> users;
    private final MongoCollection<Document> teams;
    /**
     * The writes of a poll, made at its end: an organization setting up its teams, or a crowd registering, is a few
     * commands. Nothing reads the directory while its consumer applies a poll, and the poll is recorded as applied only
     * after these writes (so {@link IdentityConsistencyFilter} waits for them); each is by id and absorbs a repeat.
     */
    private final HeldWrites writes = new HeldWrites();

    IdentityDirectory(MongoDatabase database) {
        this.organizations = database.getCollection("directory-organizations-v2");
        this.memberships = database.getCollection("directory-memberships-v2");
        this.users = database.getCollection("directory-users-v2");
        this.teams = database.getCollection("directory-teams-v2");
        users.createIndex(Indexes.ascending("email"), new IndexOptions().name("by_email"));
        memberships.createIndex(Indexes.ascending("userId"), new IndexOptions().name("by_user"));
        teams.createIndex(Indexes.ascending("organizationId", "nameKey"), new IndexOptions().name("by_organization_name"));
    }

    /**
     * Applies one event of the types {@link IdentityEventConsumer} lists; its consumer runtime applies each once, in order.
     * The write waits for the poll's end ({@link #heldWrites}).
     */
    void project(EventEnvelope envelope) {
        Object event = envelope.event();
        if (event instanceof OrganizationCreated e) {
            writes.add(organizations, new ReplaceOneModel<>(Filters.eq("_id", e.organizationId().toString()),
                    new Document("_id", e.organizationId().toString()).append("name", e.name()), new ReplaceOptions().upsert(true)));
        } else if (event instanceof OrganizationRenamed e) {
            writes.add(organizations, new UpdateOneModel<>(Filters.eq("_id", e.organizationId().toString()),
                    Updates.set("name", e.name()), new UpdateOptions().upsert(true)));
        } else if (event instanceof MemberAdded e) {
            writes.add(memberships, new ReplaceOneModel<>(Filters.eq("_id", key(e.organizationId(), e.userId())),
                    new Document("_id", key(e.organizationId(), e.userId()))
                            .append("organizationId", e.organizationId().toString())
                            .append("userId", e.userId().toString())
                            .append("roles", e.roles()),
                    new ReplaceOptions().upsert(true)));
        } else if (event instanceof MemberRolesChanged e) {
            writes.add(memberships, new UpdateOneModel<>(Filters.eq("_id", key(e.organizationId(), e.userId())),
                    Updates.set("roles", e.roles())));
        } else if (event instanceof MemberRemoved e) {
            writes.add(memberships, new DeleteOneModel<>(Filters.eq("_id", key(e.organizationId(), e.userId()))));
        } else if (event instanceof MemberExpired e) {
            // the membership ended by itself: gone as a removed one
            writes.add(memberships, new DeleteOneModel<>(Filters.eq("_id", key(e.organizationId(), e.userId()))));
        } else if (event instanceof TeamCreated e) {
            writes.add(teams, new ReplaceOneModel<>(Filters.eq("_id", e.teamId().toString()),
                    new Document("_id", e.teamId().toString()).append("organizationId", e.organizationId().toString())
                            .append("name", e.name()).append("nameKey", teamNameKey(e.name())),
                    new ReplaceOptions().upsert(true)));
        } else if (event instanceof TeamRenamed e) {
            writes.add(teams, new UpdateOneModel<>(Filters.eq("_id", e.teamId().toString()),
                    Updates.combine(Updates.set("name", e.name()), Updates.set("nameKey", teamNameKey(e.name())))));
        } else if (event instanceof TeamDeleted e) {
            writes.add(teams, new DeleteOneModel<>(Filters.eq("_id", e.teamId().toString())));
        } else if (event instanceof UserRegistered e) {
            writes.add(users, new ReplaceOneModel<>(Filters.eq("_id", e.userId().toString()),
                    new Document("_id", e.userId().toString())
                            .append("email", EmailAddress.normalize(e.email()))
                            .append("verified", e.emailVerified()),
                    new ReplaceOptions().upsert(true)));
        } else if (event instanceof UserEmailVerified e) {
            writes.add(users, new UpdateOneModel<>(Filters.eq("_id", e.userId().toString()),
                    Updates.combine(Updates.set("email", EmailAddress.normalize(e.email())), Updates.set("verified", true))));
        } else if (event instanceof UserDeleted e) {
            writes.add(users, new DeleteOneModel<>(Filters.eq("_id", e.userId().toString())));
        }
        // the other identity events change nothing the invitation rules look at
    }

    /** The scope of the directory's consumer, which makes the writes of its poll at the poll's end. */
    HeldWrites heldWrites() {
        return writes;
    }

    public Optional<String> organizationName(UUID organizationId) {
        Document organization = organizations.find(Filters.eq("_id", organizationId.toString())).first();
        return organization == null ? Optional.empty() : Optional.ofNullable(organization.getString("name"));
    }

    /** The member's roles, or empty when the user is not a member. */
    public Optional<List<String>> roles(UUID organizationId, UUID userId) {
        Document membership = memberships.find(Filters.eq("_id", key(organizationId, userId))).first();
        return Optional.ofNullable(membership).map(d -> d.getList("roles", String.class, List.of()));
    }

    public boolean isAdmin(UUID organizationId, UUID userId) {
        return roles(organizationId, userId).filter(OrganizationRole::includesAdmin).isPresent();
    }

    public boolean isMember(UUID organizationId, UUID userId) {
        return memberships.find(Filters.eq("_id", key(organizationId, userId))).first() != null;
    }

    public boolean knows(UUID userId) {
        return users.find(Filters.eq("_id", userId.toString())).first() != null;
    }

    /** Whether the user proved their address (registered verified, or a UserEmailVerified since). */
    public boolean isVerified(UUID userId) {
        Document user = users.find(Filters.eq("_id", userId.toString())).first();
        return user != null && user.getBoolean("verified", false);
    }

    /** Whether an account with this (normalized) address belongs to the organization. */
    public boolean isMemberByEmail(UUID organizationId, String normalizedEmail) {
        for (Document user : users.find(Filters.eq("email", normalizedEmail))) {
            if (memberships.find(Filters.eq("_id", organizationId + ":" + user.getString("_id"))).first() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Which of these (normalized) addresses belong to accounts that are members of the organization: two
     * queries for the whole batch, however many addresses.
     */
    public Set<String> membersByEmail(UUID organizationId, Collection<String> normalizedEmails) {
        if (normalizedEmails.isEmpty()) {
            return Set.of();
        }
        Map<String, String> emailByMembershipKey = new HashMap<>();
        for (Document user : users.find(Filters.in("email", Set.copyOf(normalizedEmails)))) {
            emailByMembershipKey.put(organizationId + ":" + user.getString("_id"), user.getString("email"));
        }
        if (emailByMembershipKey.isEmpty()) {
            return Set.of();
        }
        Set<String> members = new HashSet<>();
        for (Document membership : memberships.find(Filters.in("_id", emailByMembershipKey.keySet()))) {
            members.add(emailByMembershipKey.get(membership.getString("_id")));
        }
        return members;
    }

    /** Whether the user is a member of an organization other than this one (the single-organization policy). */
    public boolean isMemberOfAnotherOrganization(UUID organizationId, UUID userId) {
        return memberships.find(Filters.and(Filters.eq("userId", userId.toString()),
                Filters.ne("organizationId", organizationId.toString()))).first() != null;
    }

    /**
     * Which of these (normalized) addresses belong to accounts that are members of an organization other than this
     * one: two queries for the whole batch.
     */
    public Set<String> membersOfAnotherOrganizationByEmail(UUID organizationId, Collection<String> normalizedEmails) {
        if (normalizedEmails.isEmpty()) {
            return Set.of();
        }
        Map<String, String> emailByUserId = new HashMap<>();
        for (Document user : users.find(Filters.in("email", Set.copyOf(normalizedEmails)))) {
            emailByUserId.put(user.getString("_id"), user.getString("email"));
        }
        if (emailByUserId.isEmpty()) {
            return Set.of();
        }
        Set<String> elsewhere = new HashSet<>();
        for (Document membership : memberships.find(Filters.and(Filters.in("userId", emailByUserId.keySet()),
                Filters.ne("organizationId", organizationId.toString())))) {
            elsewhere.add(emailByUserId.get(membership.getString("userId")));
        }
        return elsewhere;
    }

    /**
     * The organization's teams among these names, by {@link #teamNameKey(String) name key}: names match
     * case-insensitively, as the identity service keeps them unique (PRODUCT.md §4). One query.
     */
    public Map<String, UUID> teamsByName(UUID organizationId, Collection<String> names) {
        Set<String> keys = new HashSet<>();
        names.forEach(name -> keys.add(teamNameKey(name)));
        if (keys.isEmpty()) {
            return Map.of();
        }
        Map<String, UUID> found = new HashMap<>();
        for (Document team : teams.find(Filters.and(Filters.eq("organizationId", organizationId.toString()),
                Filters.in("nameKey", keys)))) {
            found.put(team.getString("nameKey"), UUID.fromString(team.getString("_id")));
        }
        return found;
    }

    /** How team names are compared: surrounding spaces dropped, case ignored. */
    public static String teamNameKey(String name) {
        return name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    }

    /** The ids among {@code teamIds} that are not teams of the organization. */
    public List<UUID> unknownTeams(UUID organizationId, Collection<UUID> teamIds) {
        return teamIds.stream()
                .filter(id -> teams.find(Filters.and(Filters.eq("_id", id.toString()),
                        Filters.eq("organizationId", organizationId.toString()))).first() == null)
                .toList();
    }

    private static String key(UUID organizationId, UUID userId) {
        return organizationId + ":" + userId;
    }
}

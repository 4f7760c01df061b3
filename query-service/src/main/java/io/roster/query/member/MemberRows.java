package io.roster.query.member;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.identity.MemberAdded;
import io.roster.events.invitation.InvitationIssued;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.user.UserProfile;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.roster.query.member.MemberRow.*;

/**
 * Writes of {@code members}. Each one is a single atomic MongoDB update that sets only the fields its
 * event owns, never a read-modify-write of the whole row: membership events (organization partition) and
 * profile events (user partition) may touch the same row at the same time, and neither may undo the other.
 */
@Component
public class MemberRows {

    public static final String COLLECTION = "members";

    private final VersionedCollection collection;

    MemberRows(ProjectionCollections collections) {
        this.collection = collections.declare(COLLECTION, MemberRows::createIndexes);
    }

    /** The same collection, for the reads of {@link MemberQuery}. */
    VersionedCollection collection() {
        return collection;
    }

    /**
     * One index behind every query the members endpoints and the projection run. mongo-java-server
     * ignores non-unique compound indexes (with a warning); production MongoDB uses them.
     */
    private static void createIndexes(MongoCollection<Document> collection) {
        // the unfiltered list and its keyset: equality on the organization, then the sort key
        collection.createIndex(Indexes.ascending(ORGANIZATION_ID, EMAIL_LOWER, ID), new IndexOptions().name("list"));
        // each filter puts its equality between the organization and the sort key, so the sort stays an index walk
        collection.createIndex(Indexes.ascending(ORGANIZATION_ID, STATUS, EMAIL_LOWER, ID), new IndexOptions().name("by_status"));
        collection.createIndex(Indexes.ascending(ORGANIZATION_ID, ROLES, EMAIL_LOWER, ID), new IndexOptions().name("by_role"));
        // the teamId filter
        collection.createIndex(Indexes.ascending(ORGANIZATION_ID, TEAM_IDS, EMAIL_LOWER, ID), new IndexOptions().name("by_team"));
        // ?q=: an anchored regex on the lower-cased terms is a range scan of this (multikey) index
        collection.createIndex(Indexes.ascending(ORGANIZATION_ID, SEARCH_TERMS), new IndexOptions().name("by_prefix"));
        // a user's memberships
        collection.createIndex(Indexes.ascending(USER_ID, ORGANIZATION_ID), new IndexOptions().name("by_user"));
    }

    /**
     * The membership half of a member's row, created if missing. The profile half starts empty (and at
     * version -1, below every real profile) and is filled by {@link #copyProfile} or {@link #spreadProfile}.

     */
    void join(UUID organizationId, UUID userId, List<String> roles, List<TeamRef> teams, Instant joinedAt, Instant expiresAt) {
        collection.get().updateOne(Filters.eq(ID, idOf(organizationId, userId)), joinUpdate(organizationId, userId, roles,
                teams, joinedAt, expiresAt), new UpdateOptions().upsert(true));
    }

    /** {@link #join} of members without teams, in one ordered bulk write. */
    void joinAll(List<MemberAdded> joins) {
        collection.get().bulkWrite(joins.stream().map(added -> new UpdateOneModel<Document>(
                Filters.eq(ID, idOf(added.organizationId(), added.userId())), joinUpdate(added.organizationId(), added.userId(),
                added.roles(), List.of(), added.occurredAt(), added.expiresAt()), new UpdateOptions().upsert(true))).toList());
    }

    /**
     * Each profile onto the user's row of the organization, where the row shows an older one (or none): one bulk write.
     * Never a newer profile overwritten, whatever wrote it (the user's own partition spreads its profiles too).
     */
    void copyNewerProfiles(Map<String, UserProfile> profileByRowId) {
        if (profileByRowId.isEmpty()) {
            return;
        }
        collection.get().bulkWrite(profileByRowId.entrySet().stream().map(entry -> new UpdateOneModel<Document>(
                Filters.and(Filters.eq(ID, entry.getKey()), Filters.or(Filters.lt(PROFILE_VERSION, entry.getValue().version()),
                        Filters.exists(PROFILE_VERSION, false))), profileUpdate(entry.getValue()))).toList());
    }

    private static Bson joinUpdate(UUID organizationId, UUID userId, List<String> roles, List<TeamRef> teams, Instant joinedAt,
                                   Instant expiresAt) {
        return Updates.combine(
                Updates.set(ORGANIZATION_ID, organizationId.toString()),
                Updates.set(USER_ID, userId.toString()),
                Updates.set(STATUS, MemberStatus.ACTIVE.wireName()),
                Updates.set(ROLES, List.copyOf(roles)),
                teamsUpdate(teams),
                Updates.set(JOINED_AT, Date.from(joinedAt)),
                Updates.set(EXPIRES_AT, expiresAt == null ? null : Date.from(expiresAt)),
                Updates.setOnInsert(EMAIL_LOWER, ""),
                Updates.setOnInsert(SEARCH_TERMS, List.of()),
                Updates.setOnInsert(PROFILE_VERSION, -1L));
    }

    /**
     * The row of a pending invitee, keyed {@code organizationId:invitation:invitationId}: no user id yet,
     * the invited address and name as typed by the admin.
     */
    void invite(UUID organizationId, UUID invitationId, String email, String firstName, String lastName,
                List<String> roles, List<TeamRef> teams, Instant invitedAt) {
        collection.get().updateOne(Filters.eq(ID, invitationRowId(organizationId, invitationId)),
                inviteUpdate(organizationId, invitationId, email, firstName, lastName, roles, teams, invitedAt),
                new UpdateOptions().upsert(true));
    }

    /** {@link #invite} of several invitations, in one ordered bulk write; their teams as shown, by invitation id. */
    void inviteAll(List<InvitationIssued> invitations, Map<UUID, List<TeamRef>> teamsByInvitation) {
        collection.get().bulkWrite(invitations.stream().map(issued -> new UpdateOneModel<Document>(
                Filters.eq(ID, invitationRowId(issued.organizationId(), issued.invitationId())),
                inviteUpdate(issued.organizationId(), issued.invitationId(), issued.email(), issued.firstName(), issued.lastName(),
                        issued.roles(), teamsByInvitation.getOrDefault(issued.invitationId(), List.of()), issued.occurredAt()),
                new UpdateOptions().upsert(true))).toList());
    }

    private static Bson inviteUpdate(UUID organizationId, UUID invitationId, String email, String firstName, String lastName,
                                     List<String> roles, List<TeamRef> teams, Instant invitedAt) {
        // the search terms of a profile are exactly what ?q= must match on an invitee's row too
        List<String> searchTerms = new UserProfile(invitationId, email, firstName, lastName, 0).searchTerms();
        return Updates.combine(
                Updates.set(ORGANIZATION_ID, organizationId.toString()),
                Updates.set(STATUS, MemberStatus.PENDING.wireName()),
                Updates.set(EMAIL, email),
                Updates.set(EMAIL_LOWER, UserProfile.lower(email)),
                Updates.set(FIRST_NAME, firstName),
                Updates.set(LAST_NAME, lastName),
                Updates.set(SEARCH_TERMS, searchTerms),
                Updates.set(ROLES, List.copyOf(roles)),
                teamsUpdate(teams),
                Updates.set(INVITED_AT, Date.from(invitedAt)));
    }

    /** The roles and teams of a pending invitee's row after an edit of the invitation, if the row is still there. */
    void setInvitationTerms(UUID organizationId, UUID invitationId, List<String> roles, List<TeamRef> teams) {
        collection.get().updateOne(Filters.eq(ID, invitationRowId(organizationId, invitationId)),
                Updates.combine(Updates.set(ROLES, List.copyOf(roles)), teamsUpdate(teams)));
    }

    /** The teams of a pending invitee's row, if the row is still there. */
    void setInvitationTeams(UUID organizationId, UUID invitationId, List<TeamRef> teams) {
        collection.get().updateOne(Filters.eq(ID, invitationRowId(organizationId, invitationId)), teamsUpdate(teams));
    }

    /** The invitation was accepted, revoked or expired: its invitee is no longer pending. */
    void withdrawInvitation(UUID organizationId, UUID invitationId) {
        collection.get().deleteOne(Filters.eq(ID, invitationRowId(organizationId, invitationId)));
    }

    static String memberRowId(UUID organizationId, UUID userId) {
        return idOf(organizationId, userId);
    }

    static String invitationRowId(UUID organizationId, UUID invitationId) {
        return organizationId + ":invitation:" + invitationId;
    }

    /**
     * The profile onto one row, written by id.
     *
     * @return whether the row held a newer profile before (written meanwhile by the user's partition), which the
     * caller must then copy again: the version check happens after the write, because a condition in the write's
     * filter would make mongo-java-server scan the collection
     */
    boolean copyProfile(UUID organizationId, UserProfile profile) {
        Document before = collection.get().findOneAndUpdate(Filters.eq(ID, idOf(organizationId, profile.userId())), profileUpdate(profile),
                new FindOneAndUpdateOptions().projection(Projections.include(PROFILE_VERSION)).returnDocument(ReturnDocument.BEFORE));
        Number version = before == null ? null : before.get(PROFILE_VERSION, Number.class);
        return version != null && version.longValue() > profile.version();
    }

    /**
     * The profile onto the given rows of the user (those {@code UserStore} lists), by id. Profile events come
     * in order, so this is the user's newest profile; a MemberAdded copying an older one at the same moment
     * notices it in {@link #copyProfile}.
     */
    void spreadProfile(UserProfile profile, List<String> rowIds) {
        if (!rowIds.isEmpty()) {
            collection.get().updateMany(Filters.in(ID, rowIds), profileUpdate(profile));
        }
    }

    /** The membership's end date (null: none), if the member's row is there. */
    void setExpiresAt(UUID organizationId, UUID userId, Instant expiresAt) {
        collection.get().updateOne(Filters.eq(ID, idOf(organizationId, userId)),
                Updates.set(EXPIRES_AT, expiresAt == null ? null : Date.from(expiresAt)));
    }

    void setRoles(UUID organizationId, UUID userId, List<String> roles) {
        collection.get().updateOne(Filters.eq(ID, idOf(organizationId, userId)), Updates.set(ROLES, List.copyOf(roles)));
    }

    /** @return the team ids of the member's row, or empty when there is no such row */
    Optional<List<String>> teamsOf(UUID organizationId, UUID userId) {
        Document row = collection.get().find(Filters.eq(ID, idOf(organizationId, userId))).projection(Projections.include(TEAM_IDS)).first();
        return Optional.ofNullable(row).map(d -> d.getList(TEAM_IDS, String.class, List.of()));
    }

    void setTeams(UUID organizationId, UUID userId, List<TeamRef> teams) {
        collection.get().updateOne(Filters.eq(ID, idOf(organizationId, userId)), teamsUpdate(teams));
    }

    void remove(UUID organizationId, UUID userId) {
        collection.get().deleteOne(Filters.eq(ID, idOf(organizationId, userId)));
    }

    /** The team's new name in the given rows (those the team lists), by id. */
    void renameTeam(List<String> rowIds, UUID teamId, String name) {
        if (!rowIds.isEmpty()) {
            collection.get().updateMany(Filters.in(ID, rowIds), Updates.set(TEAMS + ".$[team].name", name),
                    new UpdateOptions().arrayFilters(List.of(Filters.eq("team.teamId", teamId.toString()))));
        }
    }

    /** The team off the given rows (those the team lists), by id. */
    void dropTeam(List<String> rowIds, UUID teamId) {
        if (!rowIds.isEmpty()) {
            collection.get().updateMany(Filters.in(ID, rowIds), Updates.combine(
                    Updates.pull(TEAM_IDS, teamId.toString()),
                    Updates.pull(TEAMS, new Document("teamId", teamId.toString()))));
        }
    }

    private static Bson teamsUpdate(List<TeamRef> teams) {
        return Updates.combine(
                Updates.set(TEAM_IDS, teams.stream().map(t -> t.teamId().toString()).toList()),
                Updates.set(TEAMS, teams.stream().map(t -> new Document("teamId", t.teamId().toString()).append("name", t.name())).toList()));
    }

    private static Bson profileUpdate(UserProfile profile) {
        return Updates.combine(
                Updates.set(EMAIL, profile.email()),
                Updates.set(EMAIL_LOWER, profile.emailLower()),
                Updates.set(FIRST_NAME, profile.firstName()),
                Updates.set(LAST_NAME, profile.lastName()),
                Updates.set(SEARCH_TERMS, profile.searchTerms()),
                Updates.set(PROFILE_VERSION, profile.version()));
    }
}

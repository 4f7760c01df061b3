package io.roster.query.user;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Every user's current profile ({@code users}), kept so that a membership event can copy the profile
 * of a user whose events were applied before it, and the ids of the member rows that show it, so that a
 * profile change updates exactly those rows by id instead of searching the members by user.
 *
 * <p>The profile fields are written by the user's own events only, which arrive in order on one partition;
 * so a read of the stored version followed by a write by id is enough to keep an older event from winning
 * (a version condition in the write's filter would make mongo-java-server scan: it uses an index only for a
 * filter on {@code _id} alone). The row ids are added by membership events on another partition, with
 * atomic {@code $addToSet}s that never touch the profile fields.
 */
@Component
public class UserStore {

    public static final String COLLECTION = "users";
    private static final String MEMBER_ROWS = "memberRows";

    private final VersionedCollection collection;

    UserStore(ProjectionCollections collections) {
        this.collection = collections.declare(COLLECTION);
    }

    /** The profile of a user that exists; empty for unknown and deleted users. */
    public Optional<UserProfile> find(UUID userId) {
        return profileOf(userId, collection.get().find(Filters.eq("_id", userId.toString())).first());
    }

    /**
     * Records that a member row shows the user's profile, and answers the profile it must show, in one
     * atomic step: a profile saved later finds the row in the list, one saved earlier is answered here.
     */
    public Optional<UserProfile> attachMemberRow(UUID userId, String rowId) {
        Document user = collection.get().findOneAndUpdate(Filters.eq("_id", userId.toString()),
                Updates.addToSet(MEMBER_ROWS, rowId), upsertAfter());
        return profileOf(userId, user);
    }

    /**
     * {@link #attachMemberRow} for many rows, and then their users' profiles: one bulk write, then one read. A profile
     * saved before the write is read here; one saved after finds the rows listed (as one saved between finds both:
     * whoever copies it, a row never takes an older profile over a newer one, see {@code MemberRows#copyNewerProfiles}).
     *
     * @param rowIdsByUser the rows to list, by user
     * @return the profile of each of those users that has one
     */
    public Map<UUID, UserProfile> attachMemberRows(Map<UUID, List<String>> rowIdsByUser) {
        collection.get().bulkWrite(rowIdsByUser.entrySet().stream().map(entry -> new UpdateOneModel<Document>(
                Filters.eq("_id", entry.getKey().toString()), Updates.addEachToSet(MEMBER_ROWS, entry.getValue()),
                new UpdateOptions().upsert(true))).toList());
        Map<UUID, UserProfile> profiles = new HashMap<>();
        collection.get().find(Filters.in("_id", rowIdsByUser.keySet().stream().map(UUID::toString).toList())).forEach(d -> {
            UUID userId = UUID.fromString(d.getString("_id"));
            profileOf(userId, d).ifPresent(profile -> profiles.put(userId, profile));
        });
        return profiles;
    }

    /** The row is gone; a profile change no longer needs to reach it. */
    public void detachMemberRow(UUID userId, String rowId) {
        collection.get().updateOne(Filters.eq("_id", userId.toString()), Updates.pull(MEMBER_ROWS, rowId));
    }

    /** The stored documents of these users: each one's profile and its version (-1 when none); one read. */
    Map<UUID, Stored> loadAll(Collection<UUID> userIds) {
        Map<UUID, Stored> stored = new HashMap<>();
        userIds.forEach(userId -> stored.put(userId, new Stored(Optional.empty(), -1)));
        collection.get().find(Filters.in("_id", userIds.stream().map(UUID::toString).toList())).forEach(d -> {
            UUID userId = UUID.fromString(d.getString("_id"));
            stored.put(userId, new Stored(profileOf(userId, d), versionOf(d)));
        });
        return stored;
    }

    /**
     * Each user's new profile, or their deletion, in one bulk write by id. A deleted account keeps only its id, version
     * and row ids, so no personal data stays and no older event revives it.
     */
    void writeAll(Collection<Change> changes) {
        if (changes.isEmpty()) {
            return;
        }
        collection.get().bulkWrite(changes.stream().map(change -> new UpdateOneModel<Document>(
                Filters.eq("_id", change.userId().toString()), change.profile() == null
                        ? Updates.combine(Updates.set("version", change.version()), Updates.set("deleted", true),
                                Updates.unset("email"), Updates.unset("firstName"), Updates.unset("lastName"))
                        : Updates.combine(Updates.set("email", change.profile().email()),
                                Updates.set("firstName", change.profile().firstName()),
                                Updates.set("lastName", change.profile().lastName()),
                                Updates.set("version", change.version()),
                                Updates.unset("deleted")),
                new UpdateOptions().upsert(true))).toList());
    }

    /** The rows that show each of these users, read after their profiles were written (see {@link UserProjection}). */
    Map<UUID, List<String>> memberRowsOf(Collection<UUID> userIds) {
        Map<UUID, List<String>> rows = new HashMap<>();
        if (!userIds.isEmpty()) {
            collection.get().find(Filters.in("_id", userIds.stream().map(UUID::toString).toList()))
                    .projection(Projections.include(MEMBER_ROWS))
                    .forEach(d -> rows.put(UUID.fromString(d.getString("_id")), memberRowsOf(d)));
        }
        return rows;
    }

    private static FindOneAndUpdateOptions upsertAfter() {
        return new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER);
    }

    private static Optional<UserProfile> profileOf(UUID userId, Document d) {
        // a document holding only row ids (the membership came before the user's first event) is no profile yet
        if (d == null || d.getBoolean("deleted", false) || d.get("version") == null) {
            return Optional.empty();
        }
        return Optional.of(new UserProfile(userId, d.getString("email"), d.getString("firstName"),
                d.getString("lastName"), d.getLong("version")));
    }

    private static long versionOf(Document d) {
        return d == null || d.get("version") == null ? -1 : d.getLong("version");
    }

    private static List<String> memberRowsOf(Document d) {
        return d == null ? List.of() : d.getList(MEMBER_ROWS, String.class, List.of());
    }

    /** What a user event needs to know before it writes: the current profile and its version. */
    record Stored(Optional<UserProfile> profile, long version) {
    }

    /** A user's new state at {@code version}: their profile, or null when the account was deleted. */
    record Change(UUID userId, UserProfile profile, long version) {
    }
}

package io.roster.query.user;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.UUID;

/**
 * Every user's current profile ({@code users}), kept so that a membership event can copy the profile
 * of a user whose events were applied before it. Writes only move forward: a write carrying an older
 * version than the stored one changes nothing.
 */
@Component
public class UserStore {

    public static final String COLLECTION = "users";

    private final VersionedCollection collection;

    UserStore(ProjectionCollections collections) {
        this.collection = collections.declare(COLLECTION);
    }

    /** The profile of a user that exists; empty for unknown and deleted users. */
    public Optional<UserProfile> find(UUID userId) {
        Document d = collection.get().find(Filters.eq("_id", userId.toString())).first();
        if (d == null || d.getBoolean("deleted", false)) {
            return Optional.empty();
        }
        return Optional.of(new UserProfile(userId, d.getString("email"), d.getString("firstName"),
                d.getString("lastName"), d.getLong("version")));
    }

    void save(UserProfile profile) {
        replaceIfNewer(profile.userId(), profile.version(), new Document("_id", profile.userId().toString())
                .append("email", profile.email())
                .append("firstName", profile.firstName())
                .append("lastName", profile.lastName())
                .append("version", profile.version()));
    }

    /** A deleted account keeps only its id and version, so no personal data stays and no older event revives it. */
    void markDeleted(UUID userId, long version) {
        replaceIfNewer(userId, version, new Document("_id", userId.toString()).append("version", version).append("deleted", true));
    }

    private void replaceIfNewer(UUID userId, long version, Document replacement) {
        Bson olderOrAbsent = Filters.and(Filters.eq("_id", userId.toString()), Filters.lt("version", version));
        try {
            collection.get().replaceOne(olderOrAbsent, replacement, new ReplaceOptions().upsert(true));
        } catch (MongoWriteException e) {
            // the upsert found the same or a newer version stored and tried to insert beside it: nothing to do
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
    }
}

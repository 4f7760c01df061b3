package io.roster.notification.directory;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.RosterEvent;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserEmailVerified;
import io.roster.events.identity.UserProfileUpdated;
import io.roster.events.identity.UserRegistered;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.UUID;

/**
 * Users' addresses and names ({@code users-v1}), from the identity events: the recipients of the
 * welcome and removal emails, and the inviter named in an invitation. A deleted user keeps a tombstone
 * without address or name, so that an email still waiting for them is dropped rather than sent.
 * Every update sets values, so applying an event again changes nothing.
 */
@Component
public class UserProjection {

    private final MongoCollection<Document> collection;
    private final RecentlyRead<UUID, UserFacts> recent = new RecentlyRead<>(java.time.Duration.ofSeconds(5));

    UserProjection(MongoDatabase database) {
        this.collection = database.getCollection("users-v1");
    }

    public void apply(RosterEvent event) {
        if (event instanceof UserRegistered || event instanceof UserProfileUpdated || event instanceof UserEmailVerified
                || event instanceof UserDeleted) {
            recent.forget(event.aggregateId());
        }
        if (event instanceof UserRegistered registered) {
            collection.updateOne(Filters.eq("_id", registered.userId().toString()), Updates.combine(
                    Updates.set("email", registered.email()),
                    Updates.set("firstName", registered.firstName()),
                    Updates.set("lastName", registered.lastName())), new UpdateOptions().upsert(true));
        } else if (event instanceof UserProfileUpdated updated) {
            collection.updateOne(Filters.and(Filters.eq("_id", updated.userId().toString()), Filters.ne("deleted", true)),
                    Updates.combine(Updates.set("firstName", updated.firstName()), Updates.set("lastName", updated.lastName())));
        } else if (event instanceof UserEmailVerified verified && verified.email() != null) {
            collection.updateOne(Filters.and(Filters.eq("_id", verified.userId().toString()), Filters.ne("deleted", true)),
                    Updates.set("email", verified.email()));
        } else if (event instanceof UserDeleted deleted) {
            collection.updateOne(Filters.eq("_id", deleted.userId().toString()), Updates.combine(
                    Updates.set("deleted", true), Updates.unset("email"), Updates.unset("firstName"), Updates.unset("lastName")),
                    new UpdateOptions().upsert(true));
        }
    }

    /** What is known of a user (read at most every few seconds per user; an unknown user is asked for every time). */
    public Optional<UserFacts> find(UUID userId) {
        if (userId == null) {
            return Optional.empty();
        }
        return recent.get(userId, id -> Optional.ofNullable(collection.find(Filters.eq("_id", id.toString())).first())
                .map(doc -> new UserFacts(id, doc.getString("email"), doc.getString("firstName"),
                        doc.getString("lastName"), Boolean.TRUE.equals(doc.getBoolean("deleted")))));
    }
}

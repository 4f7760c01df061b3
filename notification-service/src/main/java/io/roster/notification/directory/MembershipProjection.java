package io.roster.notification.directory;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.RosterEvent;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Who holds which roles in which organization ({@code memberships-v1}), kept from the identity events
 * so that the notification service decides who may read the delivery log and manage the email settings
 * without asking another service. One document per membership, keyed {@code organizationId:userId}.
 */
@Component
public class MembershipProjection {

    private final MongoCollection<Document> collection;

    MembershipProjection(MongoDatabase database) {
        this.collection = database.getCollection("memberships-v1");
    }

    public void apply(RosterEvent event) {
        if (event instanceof MemberAdded added) {
            collection.replaceOne(Filters.eq("_id", key(added.organizationId(), added.userId())),
                    new Document("_id", key(added.organizationId(), added.userId()))
                            .append("organizationId", added.organizationId().toString())
                            .append("userId", added.userId().toString())
                            .append("roles", added.roles() == null ? List.of() : added.roles()),
                    new ReplaceOptions().upsert(true));
        } else if (event instanceof MemberRolesChanged changed) {
            collection.updateOne(Filters.eq("_id", key(changed.organizationId(), changed.userId())),
                    Updates.set("roles", changed.roles() == null ? List.of() : changed.roles()));
        } else if (event instanceof MemberRemoved removed) {
            collection.deleteOne(Filters.eq("_id", key(removed.organizationId(), removed.userId())));
        } else if (event instanceof MemberExpired expired) {
            // the membership ended by itself: gone as a removed one
            collection.deleteOne(Filters.eq("_id", key(expired.organizationId(), expired.userId())));
        }
    }

    /** The member's roles, or empty when the user is not a member. */
    public Optional<List<String>> roles(UUID organizationId, UUID userId) {
        Document d = collection.find(Filters.eq("_id", key(organizationId, userId))).first();
        return Optional.ofNullable(d).map(doc -> doc.getList("roles", String.class, List.of()));
    }

    private static String key(UUID organizationId, UUID userId) {
        return organizationId + ":" + userId;
    }
}

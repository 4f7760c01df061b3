package io.roster.query.link;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.web.KeysetCursor;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Reads the invitation links ({@code invitation-links}) that {@link LinkProjection} writes. */
@Component
class LinkStore {

    private final VersionedCollection collection;

    LinkStore(ProjectionCollections collections) {
        this.collection = collections.declare("invitation-links",
                c -> c.createIndex(Indexes.ascending("organizationId", "nameLower", "_id"), new IndexOptions().name("list")));
    }

    VersionedCollection collection() {
        return collection;
    }

    List<Document> page(UUID organizationId, KeysetCursor after, int limit) {
        Bson filter = Filters.eq("organizationId", organizationId.toString());
        if (after != null) {
            filter = Filters.and(filter, after.after("nameLower", "_id"));
        }
        return collection.get().find(filter).sort(Sorts.ascending("nameLower", "_id")).limit(limit).into(new ArrayList<>());
    }

    static String cursorOf(Document d) {
        return KeysetCursor.of(d.getString("nameLower"), d.getString("_id"));
    }

    static LinkView view(Document d) {
        Date expiresAt = d.getDate("expiresAt");
        Date membershipExpiresAt = d.getDate("membershipExpiresAt");
        return new LinkView(UUID.fromString(d.getString("_id")), d.getString("name"), d.getString("description"),
                d.getList("emails", String.class, List.of()), expiresAt == null ? null : expiresAt.toInstant(),
                d.getInteger("quota"), d.getInteger("used", 0), d.getList("roles", String.class, List.of()),
                d.getList("teamIds", String.class, List.of()).stream().map(UUID::fromString).toList(), d.getString("status"),
                membershipExpiresAt == null ? null : membershipExpiresAt.toInstant(), d.getInteger("membershipDays"));
    }
}

package io.roster.notification.directory;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.RosterEvent;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.OrganizationRenamed;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.Optional;
import java.util.UUID;

/** Organization names ({@code organizations-v1}), which every email of an organization names. */
@Component
public class OrganizationProjection {

    private final MongoCollection<Document> collection;
    private final RecentlyRead<UUID, String> names = new RecentlyRead<>(java.time.Duration.ofSeconds(5));

    OrganizationProjection(MongoDatabase database) {
        this.collection = database.getCollection("organizations-v1");
    }

    public void apply(RosterEvent event) {
        if (event instanceof OrganizationCreated created) {
            setName(created.organizationId(), created.name());
        } else if (event instanceof OrganizationRenamed renamed) {
            setName(renamed.organizationId(), renamed.name());
        }
    }

    private void setName(UUID organizationId, String name) {
        collection.updateOne(Filters.eq("_id", organizationId.toString()), Updates.set("name", name), new UpdateOptions().upsert(true));
        names.forget(organizationId);
    }

    /** The organization's name (read at most every few seconds per organization). */
    public Optional<String> name(UUID organizationId) {
        if (organizationId == null) {
            return Optional.empty();
        }
        return names.get(organizationId, id -> Optional.ofNullable(collection.find(Filters.eq("_id", id.toString())).first())
                .map(doc -> doc.getString("name")));
    }

    public boolean exists(UUID organizationId) {
        return collection.countDocuments(Filters.eq("_id", organizationId.toString())) > 0;
    }
}

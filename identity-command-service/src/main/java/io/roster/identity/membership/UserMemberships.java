package io.roster.identity.membership;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The identity service's own answer to "which organizations is this user in?" (deleting an account, the
 * single-organization policy), in {@code user-memberships-v1}: one document per user, always read and
 * written by its id, {@code {_id: userId, organizations: {<orgId>: 2 * seq + (member ? 1 : 0)}, claim: {...}}}.
 *
 * <p>Fed by {@link UserMembershipsProjection} from the organizations' MemberAdded / MemberRemoved / MemberExpired events.
 * An entry encodes the sequence number of the event that wrote it and is written with {@code $max}, so the
 * latest event of a membership wins whatever order the events are applied in, and applying one twice
 * changes nothing: one atomic update, no read. That is what lets the projection's live and repair processors
 * both write here (see {@link io.roster.kit.lookup.RepairedLookup}). The {@code claim} belongs to
 * {@link SingleOrganizationPolicy}; a membership's end gives it back, if the claim is older than the end.
 */
@Component
public class UserMemberships {

    static final String COLLECTION = "user-memberships-v1";

    private final MongoCollection<Document> collection;

    UserMemberships(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    /** The organizations the user is a member of. */
    public Set<UUID> organizationsOf(UUID userId) {
        Set<UUID> organizations = new LinkedHashSet<>();
        Document entries = find(userId).map(user -> user.get("organizations", Document.class)).orElse(null);
        if (entries != null) {
            entries.forEach((organizationId, entry) -> {
                if (((Number) entry).longValue() % 2 == 1) {
                    organizations.add(UUID.fromString(organizationId));
                }
            });
        }
        return organizations;
    }

    /**
     * A membership began (it ended, when {@code leftAt} is set) with event {@code sequence} of its organization. Its
     * end gives back a single-organization claim on the organization only if the claim is older: a claim taken since
     * is a later join's, which the repair processor applying this removal again (after that join began) must leave alone.
     */
    record Change(UUID userId, UUID organizationId, long sequence, Instant leftAt) {

        static Change joined(UUID userId, UUID organizationId, long sequence) {
            return new Change(userId, organizationId, sequence, null);
        }

        static Change left(UUID userId, UUID organizationId, long sequence, Instant leftAt) {
            return new Change(userId, organizationId, sequence, leftAt);
        }
    }

    /** The changes, in order, as one bulk write. */
    void write(List<Change> changes) {
        List<WriteModel<Document>> writes = new ArrayList<>(changes.size());
        for (Change change : changes) {
            long entry = 2 * change.sequence() + (change.leftAt() == null ? 1 : 0);
            writes.add(new UpdateOneModel<>(byUser(change.userId()), Updates.max("organizations." + change.organizationId(), entry),
                    new UpdateOptions().upsert(true)));
            if (change.leftAt() != null) {
                writes.add(new UpdateOneModel<>(Filters.and(byUser(change.userId()),
                        Filters.eq("claim.organizationId", change.organizationId().toString()),
                        Filters.lte("claim.at", Date.from(change.leftAt()))), Updates.unset("claim")));
            }
        }
        collection.bulkWrite(writes);
    }

    Optional<Document> find(UUID userId) {
        return Optional.ofNullable(collection.find(byUser(userId)).first());
    }

    MongoCollection<Document> collection() {
        return collection;
    }

    static Bson byUser(UUID userId) {
        return Filters.eq("_id", userId.toString());
    }

}

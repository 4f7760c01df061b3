package io.roster.query.link;

import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EventEnvelope;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkDisabled;
import io.roster.events.invitation.InvitationLinkEnabled;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.query.consumer.EventBatch;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.VersionedCollection;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Invitation links ({@code invitation-links}). All events of a link are on its own aggregate, so they
 * arrive in order; {@code used} only moves forward, so a replayed InvitationLinkUsed changes nothing.
 * {@link LinkStore} reads them. In a batch the uses are held to its end and written once per link, the highest count
 * (a crowd through one link brings hundreds of uses a poll, and nothing reads the count while the batch is applied).
 */
@Component
class LinkProjection implements Projection, EventBatch.Writer<InvitationLinkUsed> {

    private final VersionedCollection collection;

    LinkProjection(LinkStore links) {
        this.collection = links.collection();
    }

    @Override
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof InvitationLinkCreated created) {
            update(created.linkId(), Updates.combine(
                    Updates.set("organizationId", created.organizationId().toString()),
                    settings(created.name(), created.description(), created.emails(), created.expiresAt(), created.quota(),
                            created.roles(), created.teamIds()),
                    terms(created.membershipExpiresAt(), created.membershipDays()),
                    Updates.setOnInsert("status", "enabled"),
                    Updates.setOnInsert("used", 0)));
        } else if (envelope.event() instanceof InvitationLinkUpdated updated) {
            update(updated.linkId(), Updates.combine(settings(updated.name(), updated.description(), updated.emails(),
                    updated.expiresAt(), updated.quota(), updated.roles(), updated.teamIds()),
                    terms(updated.membershipExpiresAt(), updated.membershipDays())));
        } else if (envelope.event() instanceof InvitationLinkEnabled enabled) {
            update(enabled.linkId(), Updates.set("status", "enabled"));
        } else if (envelope.event() instanceof InvitationLinkDisabled disabled) {
            update(disabled.linkId(), Updates.set("status", "disabled"));
        } else if (envelope.event() instanceof InvitationLinkUsed used) {
            update(used.linkId(), Updates.max("used", used.used()));
        }
    }

    @Override
    public void apply(EventEnvelope envelope, EventBatch batch) {
        if (envelope.event() instanceof InvitationLinkUsed used) {
            batch.hold(this, used);
        } else {
            apply(envelope);
        }
    }

    @Override
    public void writeAll(List<InvitationLinkUsed> uses) {
        Map<UUID, Integer> highest = new LinkedHashMap<>();
        uses.forEach(use -> highest.merge(use.linkId(), use.used(), Math::max));
        collection.get().bulkWrite(highest.entrySet().stream()
                .map(link -> new UpdateOneModel<Document>(Filters.eq("_id", link.getKey().toString()),
                        Updates.max("used", link.getValue()), new UpdateOptions().upsert(true)))
                .toList(), new BulkWriteOptions().ordered(false));
    }

    private static Bson settings(String name, String description, List<String> emails, Instant expiresAt, Integer quota,
                                 List<String> roles, List<UUID> teamIds) {
        return Updates.combine(
                Updates.set("name", name),
                Updates.set("nameLower", name == null ? "" : name.toLowerCase(Locale.ROOT)),
                Updates.set("description", description),
                Updates.set("emails", emails == null ? List.of() : emails),
                Updates.set("expiresAt", expiresAt == null ? null : Date.from(expiresAt)),
                Updates.set("quota", quota),
                Updates.set("roles", roles == null ? List.of() : roles),
                Updates.set("teamIds", teamIds == null ? List.of() : teamIds.stream().map(UUID::toString).toList()));
    }

    /** The membership terms as the link's events state them, all of them each time (a v1 event: none). */
    private static Bson terms(Instant membershipExpiresAt, Integer membershipDays) {
        return Updates.combine(
                Updates.set("membershipExpiresAt", membershipExpiresAt == null ? null : Date.from(membershipExpiresAt)),
                Updates.set("membershipDays", membershipDays));
    }

    private void update(UUID linkId, Bson update) {
        collection.get().updateOne(Filters.eq("_id", linkId.toString()), update, new UpdateOptions().upsert(true));
    }
}

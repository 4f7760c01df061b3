package io.roster.query.audit;

import com.mongodb.client.model.Filters;
import io.roster.events.EventCatalog;
import io.roster.events.EventType;
import io.roster.events.UnreadableEventException;
import io.roster.kit.web.PageRequest;
import io.roster.query.web.KeysetCursor;
import io.roster.query.web.QueryParameters;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The validated filters of an organization's timeline: events from {@code from} (inclusive) to {@code to}
 * (exclusive), of one type, caused by one actor, after a cursor's position.
 */
record TimelineFilter(UUID organizationId, Instant from, Instant to, String name, UUID actorId, KeysetCursor after) {

    /** Every event type by its short name ({@code MemberAdded}); short names are unique across contexts. */
    private static final Map<String, EventType> BY_NAME = EventCatalog.all().stream()
            .collect(Collectors.toUnmodifiableMap(EventType::name, Function.identity()));
    static final String TYPE_EXPECTED = "must be an event name such as MemberAdded or a CloudEvents type such as roster.identity.MemberAdded.v1";

    static TimelineFilter all(UUID organizationId) {
        return new TimelineFilter(organizationId, null, null, null, null, null);
    }

    /** Reads the raw parameters; every bad one is reported to {@code params}. */
    static TimelineFilter parse(UUID organizationId, String from, String to, String type, String actor, PageRequest page,
                                QueryParameters params) {
        Instant fromInstant = InstantParameter.parse(params, "from", from);
        Instant toInstant = InstantParameter.parse(params, "to", to);
        if (fromInstant != null && toInstant != null && !toInstant.isAfter(fromInstant)) {
            params.reject("to", "must be after from");
        }
        KeysetCursor after = page == null ? null
                : params.keyset(page.after(), QueryParameters::isUuid);
        if (after != null && !TimelinePosition.isPosition(after.key())) {
            params.reject("cursor", PageRequest.NOT_A_CURSOR);
        }
        return new TimelineFilter(organizationId, fromInstant, toInstant, shortName(type, params),
                params.uuid("actor", actor), after);
    }

    /**
     * {@code MemberAdded} or {@code roster.identity.MemberAdded.v1} (any revision up to the current one: the log
     * holds every event upcast to its current revision) as the short name the log is indexed by.
     */
    private static String shortName(String raw, QueryParameters params) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String text = raw.trim();
        EventType type = BY_NAME.get(text);
        if (type == null && text.startsWith("roster.")) {
            try {
                EventType.ParsedType parsed = EventType.parse(text);
                EventType current = EventCatalog.named(parsed.context(), parsed.name());
                type = parsed.revision() <= current.revision() ? current : null;
            } catch (UnreadableEventException e) {
                type = null;
            }
        }
        if (type == null) {
            params.reject("type", TYPE_EXPECTED);
            return null;
        }
        return type.name();
    }

    Bson toBson() {
        List<Bson> conditions = new ArrayList<>();
        conditions.add(Filters.eq(AuditEntry.ORGANIZATION_ID, organizationId.toString()));
        if (name != null) {
            conditions.add(Filters.eq(AuditEntry.NAME, name));
        }
        if (actorId != null) {
            conditions.add(Filters.eq(AuditEntry.ACTOR_ID, actorId.toString()));
        }
        if (from != null) {
            conditions.add(Filters.gte(AuditEntry.POSITION, TimelinePosition.time(from)));
        }
        if (to != null) {
            conditions.add(Filters.lt(AuditEntry.POSITION, TimelinePosition.time(to)));
        }
        if (after != null) {
            conditions.add(after.after(AuditEntry.POSITION, AuditEntry.ID));
        }
        return Filters.and(conditions);
    }

    /** What the next page's cursor holds when this entry ends a page. */
    static String cursorOf(AuditEntry entry) {
        return KeysetCursor.of(entry.position(), entry.eventId().toString());
    }
}

package io.roster.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roster.events.identity.MemberAddedUpcasters;
import io.roster.events.identity.UserRegisteredUpcasters;
import io.roster.events.invitation.InvitationUpcasters;
import io.roster.events.notification.NotificationSentUpcasters;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The upcasters of the catalogue, applied in revision order. */
public final class EventUpcasters {

    /** Every upcaster of the contract. */
    public static final EventUpcasters CATALOGUE = new EventUpcasters(Stream.concat(Stream.of(
            UserRegisteredUpcasters.V1_ADDS_INVITATION_TOKEN_HASH,
            MemberAddedUpcasters.V1_ADDS_EXPIRES_AT,
            NotificationSentUpcasters.V1_ADDS_VIA_PLATFORM), InvitationUpcasters.ALL.stream()).toList());

    private final Map<String, EventUpcaster> byKey = new HashMap<>();

    public EventUpcasters(List<EventUpcaster> upcasters) {
        for (EventUpcaster upcaster : upcasters) {
            if (byKey.put(key(upcaster.context(), upcaster.eventName(), upcaster.fromRevision()), upcaster) != null) {
                throw new IllegalArgumentException("two upcasters for " + upcaster.eventName() + " v" + upcaster.fromRevision());
            }
        }
    }

    /** Brings JSON written at {@code revision} up to the current revision of {@code type}. */
    public ObjectNode upcast(EventType type, int revision, ObjectNode json) {
        if (revision > type.revision()) {
            throw new UnreadableEventException(type.name() + " v" + revision + " is newer than this reader (v" + type.revision() + ")");
        }
        ObjectNode current = json;
        for (int r = revision; r < type.revision(); r++) {
            EventUpcaster upcaster = byKey.get(key(type.context().id(), type.name(), r));
            if (upcaster == null) {
                throw new UnreadableEventException("no upcaster for " + type.name() + " v" + r);
            }
            current = upcaster.upcast(current);
        }
        return current;
    }

    private static String key(String context, String name, int revision) {
        return context + "." + name + ".v" + revision;
    }
}

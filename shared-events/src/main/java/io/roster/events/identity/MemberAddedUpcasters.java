package io.roster.events.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roster.events.EventUpcaster;

/** The upcasters of {@link MemberAdded}. */
public final class MemberAddedUpcasters {

    /** v1 → v2: memberships had no end date before v2, so {@code expiresAt} is null. */
    public static final EventUpcaster V1_ADDS_EXPIRES_AT = new EventUpcaster() {
        @Override
        public String context() {
            return "identity";
        }

        @Override
        public String eventName() {
            return "MemberAdded";
        }

        @Override
        public int fromRevision() {
            return 1;
        }

        @Override
        public ObjectNode upcast(ObjectNode event) {
            if (!event.has("expiresAt")) {
                event.putNull("expiresAt");
            }
            return event;
        }
    };

    private MemberAddedUpcasters() {
    }
}

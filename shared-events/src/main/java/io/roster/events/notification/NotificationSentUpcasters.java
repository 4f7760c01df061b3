package io.roster.events.notification;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roster.events.EventUpcaster;

/** The upcasters of {@link NotificationSent}. */
public final class NotificationSentUpcasters {

    /** v1 → v2: a v1 record did not say which server took the email, so it is not known to be the platform's. */
    public static final EventUpcaster V1_ADDS_VIA_PLATFORM = new EventUpcaster() {
        @Override
        public String context() {
            return "notification";
        }

        @Override
        public String eventName() {
            return "NotificationSent";
        }

        @Override
        public int fromRevision() {
            return 1;
        }

        @Override
        public ObjectNode upcast(ObjectNode event) {
            if (!event.has("viaPlatform")) {
                event.put("viaPlatform", false);
            }
            return event;
        }
    };

    private NotificationSentUpcasters() {
    }
}

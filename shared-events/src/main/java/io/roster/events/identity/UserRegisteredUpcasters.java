package io.roster.events.identity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roster.events.EventUpcaster;

/** The upcasters of {@link UserRegistered}. */
public final class UserRegisteredUpcasters {

    /** v1 → v2: there was no sign-up with an invitation token before v2, so the hash is null. */
    public static final EventUpcaster V1_ADDS_INVITATION_TOKEN_HASH = new EventUpcaster() {
        @Override
        public String context() {
            return "identity";
        }

        @Override
        public String eventName() {
            return "UserRegistered";
        }

        @Override
        public int fromRevision() {
            return 1;
        }

        @Override
        public ObjectNode upcast(ObjectNode event) {
            if (!event.has("invitationTokenHash")) {
                event.putNull("invitationTokenHash");
            }
            return event;
        }
    };

    private UserRegisteredUpcasters() {
    }
}

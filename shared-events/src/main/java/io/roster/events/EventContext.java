package io.roster.events;

import io.roster.events.identity.IdentityEvent;
import io.roster.events.invitation.InvitationEvent;
import io.roster.events.notification.NotificationEvent;

/** The bounded contexts that publish events, each with its Kafka topic and CloudEvents source. */
public enum EventContext {
    IDENTITY("identity", Topics.IDENTITY, "/roster/identity-command-service", IdentityEvent.class),
    INVITATION("invitation", Topics.INVITATION, "/roster/invitation-service", InvitationEvent.class),
    NOTIFICATION("notification", Topics.NOTIFICATION, "/roster/notification-service", NotificationEvent.class);

    private final String id;
    private final String topic;
    private final String source;
    private final Class<? extends RosterEvent> family;

    EventContext(String id, String topic, String source, Class<? extends RosterEvent> family) {
        this.id = id;
        this.topic = topic;
        this.source = source;
        this.family = family;
    }

    public String id() {
        return id;
    }

    public String topic() {
        return topic;
    }

    public String source() {
        return source;
    }

    Class<? extends RosterEvent> family() {
        return family;
    }

    static EventContext of(Class<?> eventClass) {
        for (EventContext context : values()) {
            if (context.family.isAssignableFrom(eventClass)) {
                return context;
            }
        }
        throw new IllegalArgumentException(eventClass + " belongs to no event context");
    }
}

package io.roster.events;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Every published event type, found from the sealed hierarchy itself so that a new record cannot be
 * forgotten here.
 */
public final class EventCatalog {

    private static final Map<Class<?>, EventType> BY_CLASS = new LinkedHashMap<>();
    private static final Map<String, EventType> BY_NAME = new LinkedHashMap<>();

    static {
        Stream.of(EventContext.values())
                .flatMap(context -> Arrays.stream(context.family().getPermittedSubclasses())
                        .map(type -> describe(context, type)))
                .forEach(type -> {
                    BY_CLASS.put(type.javaType(), type);
                    BY_NAME.put(type.context().id() + "." + type.name(), type);
                });
    }

    private EventCatalog() {
    }

    @SuppressWarnings("unchecked")
    private static EventType describe(EventContext context, Class<?> type) {
        Revision revision = type.getAnnotation(Revision.class);
        if (revision == null || revision.value() < 1) {
            throw new IllegalStateException(type + " has no @Revision");
        }
        return new EventType(context, type.getSimpleName(), revision.value(), (Class<? extends RosterEvent>) type);
    }

    public static Collection<EventType> all() {
        return Collections.unmodifiableCollection(BY_CLASS.values());
    }

    public static EventType of(Class<?> eventClass) {
        EventType type = BY_CLASS.get(eventClass);
        if (type == null) {
            throw new IllegalArgumentException(eventClass + " is not a Roster event");
        }
        return type;
    }

    public static EventType of(RosterEvent event) {
        return of(event.getClass());
    }

    /** The current type of an event by context id and name, whatever revision a record was written in. */
    public static EventType named(String contextId, String name) {
        EventType type = BY_NAME.get(contextId + "." + name);
        if (type == null) {
            throw new UnreadableEventException("unknown event type " + contextId + "." + name);
        }
        return type;
    }
}

package io.roster.kit.consumer;

import io.roster.events.EventCatalog;
import io.roster.events.EventEnvelope;
import io.roster.events.EventType;
import io.roster.events.RosterEvent;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a consumer does with each event type it reads: a table of event type (a record of shared-events) to
 * handlers, the way a ZITADEL projection lists its reducers. An event whose type the table does not list is
 * not handled, but its sequence is still recorded: the aggregate's next event is then not a gap.
 *
 * <pre>{@code
 * EventHandlers.builder()
 *         .on(MemberAdded.class, (event, envelope) -> memberships.add(event))
 *         .on(MemberRemoved.class, (event, envelope) -> memberships.remove(event))
 *         .build();
 * }</pre>
 *
 * Handlers must be safe to run again for the same event: a crash between handling an event and recording it
 * brings the event again.
 */
public final class EventHandlers {

    private final Map<Class<? extends RosterEvent>, List<EventHandler<RosterEvent>>> table;

    private EventHandlers(Map<Class<? extends RosterEvent>, List<EventHandler<RosterEvent>>> table) {
        this.table = table;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The event types this consumer reads. */
    public Set<Class<? extends RosterEvent>> reads() {
        return Collections.unmodifiableSet(table.keySet());
    }

    /** Runs every handler of the event's type, in the order they were listed. */
    public void dispatch(EventEnvelope envelope) {
        List<EventHandler<RosterEvent>> handlers = table.get(envelope.event().getClass());
        if (handlers != null) {
            for (EventHandler<RosterEvent> handler : handlers) {
                handler.handle(envelope.event(), envelope);
            }
        }
    }

    /** One entry of the table. */
    @FunctionalInterface
    public interface EventHandler<E extends RosterEvent> {
        void handle(E event, EventEnvelope envelope);
    }

    public static final class Builder {
        private final Map<Class<? extends RosterEvent>, List<EventHandler<RosterEvent>>> table = new LinkedHashMap<>();

        private Builder() {
        }

        @SuppressWarnings("unchecked")
        public <E extends RosterEvent> Builder on(Class<E> type, EventHandler<? super E> handler) {
            EventCatalog.of(type); // a type that is not a published event is a mistake in the table
            table.computeIfAbsent(type, t -> new ArrayList<>()).add((EventHandler<RosterEvent>) handler);
            return this;
        }

        /** The same handler for several types (it tells them apart itself). */
        public Builder onEach(Collection<Class<? extends RosterEvent>> types, EventHandler<RosterEvent> handler) {
            types.forEach(type -> on(type, handler));
            return this;
        }

        /** The same handler for every event type published on the topics. */
        public Builder onEveryEventOf(Collection<String> topics, EventHandler<RosterEvent> handler) {
            List<Class<? extends RosterEvent>> types = new ArrayList<>();
            for (EventType type : EventCatalog.all()) {
                if (topics.contains(type.context().topic())) {
                    types.add(type.javaType());
                }
            }
            return onEach(types, handler);
        }

        public EventHandlers build() {
            Map<Class<? extends RosterEvent>, List<EventHandler<RosterEvent>>> copy = new LinkedHashMap<>();
            table.forEach((type, handlers) -> copy.put(type, List.copyOf(handlers)));
            return new EventHandlers(Collections.unmodifiableMap(copy));
        }
    }
}

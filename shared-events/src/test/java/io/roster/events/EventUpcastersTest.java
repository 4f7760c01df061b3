package io.roster.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roster.events.identity.OrganizationCreated;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The upcaster chain, on a pretend history of OrganizationCreated: the reader is at v3, records were
 * written at v1 ({@code title}, and {@code createdBy} instead of {@code actorId}), v2 ({@code name},
 * {@code createdBy}) and v3 (today's shape).
 */
class EventUpcastersTest {

    private static final EventType CURRENT = EventCatalog.of(OrganizationCreated.class);
    /** The same event as if its current revision were 3: the catalogue's own events are all at v1. */
    private static final EventType AT_V3 = new EventType(CURRENT.context(), CURRENT.name(), 3, OrganizationCreated.class);

    private final List<String> applied = new ArrayList<>();

    /** v1 → v2: {@code title} became {@code name}. */
    private final EventUpcaster titleToName = upcaster(1, json -> {
        json.set("name", json.remove("title"));
        return json;
    });

    /** v2 → v3: {@code createdBy} became {@code actorId}; it needs v2's {@code name}, so it proves the order. */
    private final EventUpcaster createdByToActorId = upcaster(2, json -> {
        if (!json.has("name") || json.has("title")) {
            throw new IllegalStateException("v2 → v3 was given JSON that is not v2: " + json);
        }
        json.set("actorId", json.remove("createdBy"));
        return json;
    });

    private EventUpcaster upcaster(int from, UnaryOperator<ObjectNode> change) {
        return new EventUpcaster() {
            @Override
            public String context() {
                return "identity";
            }

            @Override
            public String eventName() {
                return "OrganizationCreated";
            }

            @Override
            public int fromRevision() {
                return from;
            }

            @Override
            public ObjectNode upcast(ObjectNode event) {
                applied.add("v" + from + "→v" + (from + 1));
                return change.apply(event);
            }
        };
    }

    private static ObjectNode v1() {
        ObjectNode json = fixture();
        json.set("title", json.remove("name"));
        json.set("createdBy", json.remove("actorId"));
        return json;
    }

    private static ObjectNode fixture() {
        return EventJson.tree(Fixtures.json(CURRENT).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aV1RecordGoesThroughEveryStepInOrderAndReadsAsTodaysEvent() {
        // registered out of order on purpose: the chain follows revisions, not registration order
        EventUpcasters upcasters = new EventUpcasters(List.of(createdByToActorId, titleToName));

        ObjectNode upcast = upcasters.upcast(AT_V3, 1, v1());

        assertThat(applied).containsExactly("v1→v2", "v2→v3");
        assertThat(upcast).isEqualTo(fixture());
        assertThat(EventJson.read(upcast, OrganizationCreated.class)).isEqualTo(Fixtures.load(CURRENT));
    }

    @Test
    void aV2RecordGoesThroughTheRemainingStepOnly() {
        EventUpcasters upcasters = new EventUpcasters(List.of(titleToName, createdByToActorId));
        ObjectNode v2 = fixture();
        v2.set("createdBy", v2.remove("actorId"));

        ObjectNode upcast = upcasters.upcast(AT_V3, 2, v2);

        assertThat(applied).containsExactly("v2→v3");
        assertThat(upcast).isEqualTo(fixture());
    }

    @Test
    void aRecordAtTheCurrentRevisionIsLeftAlone() {
        EventUpcasters upcasters = new EventUpcasters(List.of(titleToName, createdByToActorId));

        ObjectNode upcast = upcasters.upcast(AT_V3, 3, fixture());

        assertThat(applied).isEmpty();
        assertThat(upcast).isEqualTo(fixture());
    }

    @Test
    void aMissingStepIsUnreadable() {
        EventUpcasters withoutFirstStep = new EventUpcasters(List.of(createdByToActorId));

        assertThatThrownBy(() -> withoutFirstStep.upcast(AT_V3, 1, v1()))
                .isExactlyInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("OrganizationCreated v1");
        assertThat(applied).isEmpty();

        EventUpcasters withoutLastStep = new EventUpcasters(List.of(titleToName));
        assertThatThrownBy(() -> withoutLastStep.upcast(AT_V3, 1, v1()))
                .isExactlyInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("OrganizationCreated v2");
    }

    @Test
    void anUpcasterOfAnotherEventIsNotUsed() {
        EventUpcaster otherEvent = new EventUpcaster() {
            @Override
            public String context() {
                return "identity";
            }

            @Override
            public String eventName() {
                return "OrganizationRenamed";
            }

            @Override
            public int fromRevision() {
                return 1;
            }

            @Override
            public ObjectNode upcast(ObjectNode event) {
                applied.add("OrganizationRenamed");
                return event;
            }
        };
        EventUpcasters upcasters = new EventUpcasters(List.of(otherEvent, createdByToActorId));

        assertThatThrownBy(() -> upcasters.upcast(AT_V3, 1, v1())).isExactlyInstanceOf(UnreadableEventException.class);
        assertThat(applied).isEmpty();
    }

    @Test
    void aRevisionNewerThanTheReaderIsUnreadable() {
        EventUpcasters upcasters = new EventUpcasters(List.of(titleToName, createdByToActorId));

        assertThatThrownBy(() -> upcasters.upcast(AT_V3, 4, fixture()))
                .isExactlyInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("newer");
    }

    @Test
    void twoUpcastersForTheSameStepAreRefused() {
        EventUpcaster again = upcaster(1, json -> json);

        assertThatThrownBy(() -> new EventUpcasters(List.of(titleToName, again)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

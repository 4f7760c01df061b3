package io.roster.kit.axon;

import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.MetaData;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the relay publishes as {@code causationid}: the id of the message that caused the event (README "Tracing"). */
class CausationTest {

    @Test
    void anEventAConsumerCausedNamesTheEventItHandled() {
        var event = GenericEventMessage.asEventMessage("payload")
                .andMetaData(MetaData.from(Map.of("correlationId", "command-1", "causationId", "event-9")));
        assertThat(PublicationPass.causationOf(event)).isEqualTo("event-9");
    }

    @Test
    void anEventARequestCausedNamesTheCommand() {
        var event = GenericEventMessage.asEventMessage("payload").andMetaData(MetaData.with("correlationId", "command-1"));
        assertThat(PublicationPass.causationOf(event)).isEqualTo("command-1");
    }
}

package io.roster.kit.consumer;

import io.roster.events.EventEnvelope;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.OrganizationRenamed;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The consumer runtime's tests with a consumer that takes a poll's records as one batch (as the query service's). */
class BatchConsumerRuntimeTest extends ConsumerRuntimeTest {

    @Override
    ConsumerDefinition definition(String group, List<String> topics, EventHandlers handlers, AppliedSequences sequences) {
        return ConsumerDefinition.batches(group, topics, handlers, sequences, new BatchScope() {
            @Override
            public void afterMark(Map<String, Long> applied) {
                // nothing held back in these tests
            }
        });
    }

    /**
     * A scope that holds its handlers' writes back to the end of the batch (as the query service's projections do)
     * sees a write fail there, after every record of the batch was handled: the failure is the fourth record's, yet
     * the batch failed as a whole. The record that is dead-lettered must be that one, not the batch's first, and
     * the other aggregates go on.
     */
    @Test
    void aHeldWriteThatFailsAtTheEndOfTheBatchIsBlamedOnItsOwnRecord() {
        runtimes.stop(); // this test's records must reach its own consumer in one poll
        UUID first = UUID.randomUUID();
        UUID poisoned = UUID.randomUUID();
        UUID last = UUID.randomUUID();
        send(created(first), 0);
        send(created(poisoned), 0);
        send(renamed(first, "First again"), 1);
        send(renamed(poisoned, "held poison"), 1);
        send(created(last), 0);

        List<Held> held = new ArrayList<>();
        EventHandlers holding = EventHandlers.builder()
                .on(OrganizationCreated.class, (event, envelope) -> held.add(new Held(envelope, event.name())))
                .on(OrganizationRenamed.class, (event, envelope) -> held.add(new Held(envelope, event.name())))
                .build();
        BatchScope writeAtTheEnd = new BatchScope() {
            @Override
            public void beforeMark() {
                try {
                    for (Held write : held) {
                        if (write.name().startsWith("held poison")) {
                            throw new IllegalArgumentException("cannot write " + write.name());
                        }
                        seen(write.envelope(), write.name());
                    }
                } finally {
                    held.clear();
                }
            }
        };
        runtimes = start(ConsumerDefinition.batches(group, List.of(topic), holding,
                new AppliedSequences(database, "applied-sequences-v1"), writeAtTheEnd));

        ConsumerRuntimes.Listed listed = await().atMost(Duration.ofSeconds(60))
                .until(() -> runtimes.deadLetters(10).stream().findFirst().orElse(null), found -> found != null);
        assertThat(listed.deadLetter().aggregateId()).isEqualTo(poisoned.toString());
        assertThat(listed.deadLetter().sequence()).isEqualTo(1L);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(seenSequences(first)).as("written again by the retries, never skipped").contains(0L, 1L);
            assertThat(seenSequences(last)).contains(0L);
        });
        assertThat(seenSequences(poisoned)).containsOnly(0L);
        assertThat(runtimes.deadLetters(10)).hasSize(1);
    }

    private record Held(EventEnvelope envelope, String name) {
    }
}

package io.roster.invitation;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessor;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;

/**
 * What a process killed between an event append and the lookup write leaves, reproduced in a running service for
 * one lookup: both of its processors are stopped while the commands run, so their events are appended (and relayed
 * to Kafka) and the lookup is not written. The live processor then runs again, for the commands that follow, as it
 * would in the restarted process; the repair processor only when the test {@linkplain #restartRepair() says so},
 * from the token it stored, as the restart would start it.
 */
final class LookupWriteCrash {

    private final EventProcessingConfiguration processing;
    private final String liveProcessor;
    private final String repairProcessor;

    LookupWriteCrash(EventProcessingConfiguration processing, String liveProcessor, String repairProcessor) {
        this.processing = processing;
        this.liveProcessor = liveProcessor;
        this.repairProcessor = repairProcessor;
    }

    /** Runs the commands with the lookup's processors stopped: their events are stored, the lookup is not written. */
    <T> T losingTheLookupWrite(Supplier<T> commands) {
        repair().ifPresent(EventProcessor::shutDown);
        EventProcessor live = processing.eventProcessor(liveProcessor)
                .orElseThrow(() -> new IllegalStateException("No processor " + liveProcessor));
        live.shutDown();
        try {
            return commands.get();
        } finally {
            live.start();
        }
    }

    /** The restart: the repair processor resumes from its stored token (a no-op where there is none, as before the repair existed). */
    void restartRepair() {
        repair().ifPresent(EventProcessor::start);
    }

    /**
     * Sets the repair processor back to the start of the event store and waits until it applied every stored event
     * again: what its first start on existing data does, and a test of idempotence.
     */
    void replayEverything() {
        TrackingEventProcessor repair = repair()
                .map(TrackingEventProcessor.class::cast)
                .orElseThrow(() -> new IllegalStateException("No repair processor " + repairProcessor));
        repair.shutDown();
        repair.resetTokens();
        repair.start();
        // caught up: it read to the end of the store (a fresh status after the start; "replaying" it stays until an event
        // newer than the reset comes, so that says nothing here)
        await().atMost(Duration.ofSeconds(60)).until(() -> !repair.processingStatus().isEmpty()
                && repair.processingStatus().values().stream().allMatch(s -> s.isCaughtUp() && !s.isErrorState()));
    }

    private Optional<EventProcessor> repair() {
        return processing.eventProcessor(repairProcessor);
    }
}

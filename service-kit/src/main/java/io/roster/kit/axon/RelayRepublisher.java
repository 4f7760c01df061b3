package io.roster.kit.axon;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.tokenstore.UnableToClaimTokenException;
import org.axonframework.messaging.StreamableMessageSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;

import java.util.Collection;

/**
 * Publishes every stored event to Kafka again, from the first: the relay's tracking processor
 * ({@value EventStoreKafkaRelay#PROCESSING_GROUP}) is shut down, its token reset to the tail of the event store
 * and started again. Each event goes out as the relay first published it: same event id ({@code ce_id}),
 * same aggregate sequence, same key; consumers recognise it and change nothing. Events appended meanwhile
 * follow in order once the replay reaches them.
 *
 * <p>The reset needs the processor's token claim: it works on the instance that holds it (the one
 * publishing), or anywhere when no other instance holds it; otherwise {@link RelayClaimedElsewhere}.
 */
public class RelayRepublisher {

    private static final Logger log = LoggerFactory.getLogger(RelayRepublisher.class);

    private final ObjectProvider<EventProcessingConfiguration> processing;
    private final PublishedSequences published;

    RelayRepublisher(ObjectProvider<EventProcessingConfiguration> processing, PublishedSequences published) {
        this.processing = processing;
        this.published = published;
    }

    /** Starts publishing every stored event again; returns at once, the relay works in the background. */
    public synchronized RelayStatus republishAll() {
        TrackingEventProcessor relay = relay();
        log.info("Republishing every stored event: resetting the token of {}", EventStoreKafkaRelay.PROCESSING_GROUP);
        relay.shutDown();
        try {
            relay.resetTokens(StreamableMessageSource::createTailToken);
            // the relay skips an event its records say is on Kafka, unless Axon marks it a replay; a Mongo token only
            // knows what it covers within its look-back window, so a replay of older events can look like new ones:
            // with the records gone, every stored event is sent again whatever Axon says (the ReplayEndToEndIT
            // republish found none sent again before this)
            published.forgetAll();
        } catch (UnableToClaimTokenException e) {
            throw new RelayClaimedElsewhere(e);
        } finally {
            relay.start();
        }
        return status();
    }

    /** Whether the relay replays stored events, and whether it has caught up with the end of the store. */
    public RelayStatus status() {
        TrackingEventProcessor relay = relay();
        Collection<EventTrackerStatus> segments = relay.processingStatus().values();
        boolean replaying = segments.stream().anyMatch(EventTrackerStatus::isReplaying);
        boolean caughtUp = !segments.isEmpty() && segments.stream().allMatch(EventTrackerStatus::isCaughtUp);
        String error = segments.stream().filter(EventTrackerStatus::isErrorState).findFirst()
                .map(s -> s.getError() == null ? "error" : s.getError().getClass().getSimpleName() + ": " + s.getError().getMessage())
                .orElse(null);
        String state = segments.isEmpty() ? "starting" : caughtUp ? "caught-up" : replaying ? "republishing" : "publishing";
        return new RelayStatus(state, relay.isRunning(), !segments.isEmpty(), replaying, caughtUp, error);
    }

    private TrackingEventProcessor relay() {
        return processing.getObject().eventProcessor(EventStoreKafkaRelay.PROCESSING_GROUP, TrackingEventProcessor.class)
                .orElseThrow(() -> new IllegalStateException("No tracking processor " + EventStoreKafkaRelay.PROCESSING_GROUP));
    }

    /**
     * @param state     {@code starting} (no segment claimed here yet), {@code republishing} (stored events are being
     *                  published again), {@code caught-up} (everything stored so far is published, again after a
     *                  reset), {@code publishing} (behind, with no reset)
     * @param running   the processor runs on this instance
     * @param claimed   this instance holds the token claim (it is the one publishing); the rest is only known here
     * @param replaying Axon's view: the last event handled was one stored before the reset (it stays true after the
     *                  republish until a newer event is published)
     * @param caughtUp  it published everything stored so far
     * @param error     the failure it retries, if any
     */
    public record RelayStatus(String state, boolean running, boolean claimed, boolean replaying, boolean caughtUp, String error) {

        /** A republish is under way: stored events still wait to be published again. */
        public boolean republishing() {
            return replaying && !caughtUp;
        }
    }

    /** Another instance holds the relay's token claim: the reset must happen there. */
    public static final class RelayClaimedElsewhere extends RuntimeException {
        RelayClaimedElsewhere(Throwable cause) {
            super("Another instance holds the claim of " + EventStoreKafkaRelay.PROCESSING_GROUP, cause);
        }
    }
}

package io.roster.kit.axon;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoTrackingToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Every {@code roster.relay.sweep-interval}: refreshes {@link RelayLag} (on every instance) and, on the instance whose
 * tracking processor holds the relay's claim, publishes the events the processor has passed for good: still flagged
 * in the store and stamped more than the look-back before the processor's position, where its next read begins. They
 * go out in per-aggregate order, after any unpublished event of the same aggregate before them.
 *
 * <p>Nothing here depends on how late an event became visible: the flag is written with the event, so an event the
 * processor never delivered is found however far behind its timestamp lies.
 */
class RelaySweep implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RelaySweep.class);

    private final ObjectProvider<EventProcessingConfiguration> processing;
    private final UnpublishedEvents unpublished;
    private final PublicationPasses passes;
    private final RelayLag lag;
    private final RelayProperties properties;
    private volatile ScheduledExecutorService executor;
    /** Whether the last sweep failed: a MongoDB or Kafka outage is reported once, not every second. */
    private boolean failing;

    RelaySweep(ObjectProvider<EventProcessingConfiguration> processing, UnpublishedEvents unpublished,
               PublicationPasses passes, RelayLag lag, RelayProperties properties) {
        this.processing = processing;
        this.unpublished = unpublished;
        this.passes = passes;
        this.lag = lag;
        this.properties = properties;
    }

    @Override
    public void start() {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "relay-sweep");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.sweepInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::run, interval, interval, TimeUnit.MILLISECONDS);
        executor = scheduler;
    }

    @Override
    public void stop() {
        ScheduledExecutorService scheduler = executor;
        executor = null;
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }

    private void run() {
        try {
            lag.refresh();
        } catch (RuntimeException e) {
            log.debug("Cannot refresh the relay lag: {}", e.toString());
        }
        try {
            sweep();
            if (failing) {
                log.info("The relay sweep works again");
                failing = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!failing) {
                log.warn("The relay sweep failed; it tries again every {} (logged once until it works): {}",
                        properties.sweepInterval(), e.toString());
                failing = true;
            } else {
                log.debug("The relay sweep failed again: {}", e.toString());
            }
        }
    }

    /** One sweep; answers how many events it published. */
    int sweep() throws Exception {
        Optional<Instant> position = position();
        if (position.isEmpty()) {
            return 0;
        }
        Instant cutoff = position.get().minus(properties.lookBack());
        List<UnpublishedEvents.StoredEvent> passed = unpublished.stampedBefore(cutoff, properties.sweepLimit());
        if (passed.isEmpty()) {
            return 0;
        }
        Map<String, List<UnpublishedEvents.Key>> byAggregate = new LinkedHashMap<>();
        passed.forEach(event -> byAggregate.computeIfAbsent(event.aggregateId(), id -> new ArrayList<>())
                .add(new UnpublishedEvents.Key(event.aggregateId(), event.sequence())));
        PublicationPass pass = passes.start(PublicationPasses.RepairedBy.SWEEP);
        pass.lookUp(byAggregate.keySet());
        byAggregate.forEach((aggregateId, flagged) -> pass.publishUpTo(aggregateId,
                flagged.stream().mapToLong(UnpublishedEvents.Key::sequence).max().orElseThrow(), flagged));
        int published = pass.complete();
        UnpublishedEvents.StoredEvent earliest = passed.get(0);
        log.warn("The relay's tracking processor had passed {} stored events of {} aggregates, stamped more than {} before its "
                        + "position {} (the earliest: {} #{} stamped {}); published {} events from the event store",
                passed.size(), byAggregate.size(), properties.lookBack(), position.get(), earliest.aggregateId(),
                earliest.sequence(), earliest.timestamp(), published);
        return published;
    }

    /**
     * The timestamp the relay's tracking processor has reached, if it runs here with its claim and is not failing (a
     * failing relay retries its batch; sending the same events beside it would only pile up copies).
     */
    private Optional<Instant> position() {
        Optional<TrackingEventProcessor> relay = processing.getObject()
                .eventProcessor(EventStoreKafkaRelay.PROCESSING_GROUP, TrackingEventProcessor.class);
        if (relay.isEmpty()) {
            return Optional.empty();
        }
        Instant reached = null;
        for (EventTrackerStatus status : relay.get().processingStatus().values()) {
            if (status.isErrorState()) {
                return Optional.empty();
            }
            TrackingToken token = WrappedToken.unwrapLowerBound(status.getTrackingToken());
            if (token instanceof MongoTrackingToken mongoToken
                    && (reached == null || mongoToken.getTimestamp().isBefore(reached))) {
                reached = mongoToken.getTimestamp();
            }
        }
        return Optional.ofNullable(reached);
    }
}

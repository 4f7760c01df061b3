package io.roster.kit.axon;

import io.roster.events.RosterEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ReplayStatus;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The outbox relay: a tracking processor reads the event store and publishes every event to Kafka (idempotent
 * producer, acks=all), keyed by aggregate id. A batch is one {@link PublicationPass}: its records are sent together
 * and the handler of the batch's last event waits for every acknowledgement and records what Kafka holds, so the
 * processor's token moves only past events Kafka holds. A failure fails the batch, and the processor retries it from
 * the last stored token: at least once, in per-aggregate order.
 *
 * <p>The processor reads the store by timestamp with a look-back ({@code roster.relay.look-back}): an event that
 * becomes visible later than that after it was stamped (a replica's clock behind, a pause between stamping and
 * insert, a retried write) is never delivered to it. Such an event is published anyway: before the next event of its
 * aggregate (the pass reads it back from the store, see {@link PublicationPass}), or by {@link RelaySweep}, which
 * finds it still flagged in the store behind the processor's position.
 */
@ProcessingGroup(EventStoreKafkaRelay.PROCESSING_GROUP)
public class EventStoreKafkaRelay {

    public static final String PROCESSING_GROUP = "kafka-relay-v1";
    private static final Logger log = LoggerFactory.getLogger(EventStoreKafkaRelay.class);
    private static final String PASS = EventStoreKafkaRelay.class.getName() + ".pass";

    private final PublicationPasses passes;

    EventStoreKafkaRelay(PublicationPasses passes) {
        this.passes = passes;
    }

    /** During a republish (a token reset) every event goes out again; otherwise one on Kafka already is skipped. */
    @EventHandler
    void relay(RosterEvent event, EventMessage<?> message, ReplayStatus replay) throws Exception {
        if (!(message instanceof DomainEventMessage<?> domain)) {
            throw new IllegalStateException("Roster events come from aggregates; " + message.getIdentifier() + " has no sequence");
        }
        PublicationPass batch = batch();
        batch.publishInOrder(domain, replay.isReplay());
        if (isLastOfBatch()) {
            int fromTheStore = batch.fromTheStore();
            batch.complete();
            if (fromTheStore > 0) {
                log.warn("Published {} stored events the relay's tracking processor had passed, read back from the event "
                        + "store before later events of their aggregates", fromTheStore);
            }
        }
    }

    /** The batch's pass, made at its first event with what is recorded of every aggregate in the batch. */
    private PublicationPass batch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return passes.start(PublicationPasses.RepairedBy.ORDER);
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        return root.getOrComputeResource(PASS, key -> {
            PublicationPass pass = passes.start(PublicationPasses.RepairedBy.ORDER);
            pass.lookUp(aggregatesOf(root));
            return pass;
        });
    }

    private static List<String> aggregatesOf(UnitOfWork<?> unitOfWork) {
        List<? extends EventMessage<?>> messages = unitOfWork instanceof BatchingUnitOfWork<?> batch
                ? batch.getMessages().stream().map(m -> (EventMessage<?>) m).toList()
                : List.of((EventMessage<?>) unitOfWork.getMessage());
        return messages.stream().filter(DomainEventMessage.class::isInstance)
                .map(m -> ((DomainEventMessage<?>) m).getAggregateIdentifier()).distinct().toList();
    }

    private static boolean isLastOfBatch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return true;
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get();
        return !(unitOfWork instanceof BatchingUnitOfWork<?> batch) || batch.isLastMessage();
    }
}

package io.roster.kit.lookup;

import io.roster.kit.command.Commands;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.Configuration;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;

/**
 * How a command service keeps a lookup that its commands rely on (a token's invitation, the addresses a pending
 * invitation holds, a user's memberships): two instances of the same event handler class, fed by two processors.
 *
 * <ul>
 *   <li><b>Live</b>, a subscribing processor: the handler writes in the command's own unit of work, right after the
 *       events are appended, so the request that follows the command's answer already sees it (read-your-writes). A
 *       write that fails there is logged; the command is not failed, its events are stored.</li>
 *   <li><b>Repair</b>, a tracking processor over the event store with its own token in the token store: it applies
 *       every stored event again, a moment later, and after a restart it resumes where its token stands. So an event
 *       whose live write never happened (the process died between the append and the write, or the write failed) is
 *       applied all the same. A write that fails here is retried (the token does not move past it).</li>
 * </ul>
 *
 * <p>Every write of such a handler must therefore be idempotent and safe in any interleaving of the two: keyed by
 * the event's facts and guarded by the aggregate's sequence number, never undoing what a later event wrote. The cost
 * is that every event is applied twice; the repair's second application mostly finds nothing to change.
 */
public final class RepairedLookup {

    /** Events the repair processor reads and applies per transaction (and per token update). */
    public static final int REPAIR_BATCH_SIZE = 100;

    private RepairedLookup() {
    }

    /**
     * The two processors of one lookup.
     *
     * @param liveGroup     the subscribing processor's (and processing group's) name
     * @param live          the handler instance that writes in the command's unit of work
     * @param repairGroup   the tracking processor's name; its token is stored under this name
     * @param repair        another instance of the same handler class, for the tracking processor
     */
    public static ConfigurerModule processors(String liveGroup, Object live, String repairGroup, Object repair) {
        if (live == repair || live.getClass() != repair.getClass()) {
            throw new IllegalArgumentException("A lookup is repaired by a second instance of its own handler class");
        }
        return configurer -> configurer.eventProcessing(processing -> processing
                .registerEventHandler(c -> live)
                .registerEventHandler(c -> repair)
                .assignHandlerInstancesMatching(liveGroup, handler -> handler == live)
                .assignHandlerInstancesMatching(repairGroup, handler -> handler == repair)
                .registerSubscribingEventProcessor(liveGroup)
                .registerTrackingEventProcessor(repairGroup, Configuration::eventStore,
                        c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing().andBatchSize(REPAIR_BATCH_SIZE))
                .registerListenerInvocationErrorHandler(repairGroup, c -> PropagatingErrorHandler.instance())
                .registerHandlerInterceptor(repairGroup, c -> new WritesPerBatch()));
    }

    /**
     * The repair's writes ({@link Commands#afterCommand}) are held through a batch of events and written as it ends,
     * while its last event is handled: one bulk write per lookup per batch, and before the batch's token is stored
     * (the processor stores it as the batch commits), so a crash in between applies the batch again.
     */
    static final class WritesPerBatch implements MessageHandlerInterceptor<EventMessage<?>> {

        @Override
        public Object handle(UnitOfWork<? extends EventMessage<?>> unitOfWork, InterceptorChain chain) throws Exception {
            boolean batch = unitOfWork instanceof BatchingUnitOfWork<?>;
            if (batch && ((BatchingUnitOfWork<?>) unitOfWork).isFirstMessage()) {
                Commands.holdAfterwards();
                unitOfWork.onCleanup(done -> Commands.dropHeld());
            }
            Object result = chain.proceed();
            if (!batch || ((BatchingUnitOfWork<?>) unitOfWork).isLastMessage()) {
                Commands.writeHeld();
            }
            return result;
        }
    }
}

package io.roster.notification.trigger;

import io.roster.kit.consumer.HeldToBatchEnd;
import io.roster.notification.delivery.Delivery;
import io.roster.notification.delivery.DeliveryQueue;
import io.roster.notification.delivery.DeliveryWorkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The deliveries a poll's events call for, recorded in one write at the poll's end (before its offsets and sequences
 * are): a bulk upload's thousand invitations become a few inserts instead of a thousand round trips, and the workers
 * start on them together. A delivery recorded before (the same event read again) is left as it is. An event that
 * cancels an invitation's waiting emails first records what is held ({@link #recordNow}), so that it finds them.
 */
@Component
class HeldDeliveries extends HeldToBatchEnd<Delivery> {

    private static final Logger log = LoggerFactory.getLogger(HeldDeliveries.class);

    private final DeliveryQueue deliveries;
    private final DeliveryWorkers workers;

    HeldDeliveries(DeliveryQueue deliveries, DeliveryWorkers workers) {
        this.deliveries = deliveries;
        this.workers = workers;
    }

    void record(Delivery delivery) {
        hold(delivery);
    }

    /** Records what the batch's events held so far, now rather than at the batch's end. */
    void recordNow() {
        beforeMark();
    }

    @Override
    protected void actOn(List<Held<Delivery>> items) {
        List<Delivery> owed = items.stream().map(Held::item).toList();
        int recorded = deliveries.insertAll(owed);
        if (recorded < owed.size()) {
            log.debug("{} of {} emails were recorded before (their events were read again)", owed.size() - recorded, owed.size());
        }
        workers.wake(recorded);
    }
}

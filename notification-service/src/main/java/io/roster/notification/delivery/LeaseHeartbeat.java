package io.roster.notification.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The deliveries this instance's workers hold, and the heartbeat that keeps their leases alive. A claim lasts one
 * short lease ({@code lease}, 20 s); while the process lives, one bulk update per {@code heartbeat-interval} extends
 * the leases of everything it holds. When the process dies (SIGKILL, a lost machine) the heartbeat stops with it:
 * the deliveries it had claimed but not started sending come due to every other instance within one lease of its
 * last beat, and one it was sending becomes {@code unknown} (at most once), instead of all of them waiting for a
 * lease as long as the slowest possible send. A worker stuck on one delivery longer than {@code max-hold} is no longer
 * renewed, so that a hung thread in a live process cannot keep its delivery for ever.
 */
@Component
class LeaseHeartbeat implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LeaseHeartbeat.class);

    private final DeliveryQueue queue;
    private final DeliveryProperties properties;
    private final Clock clock;
    private final String owner;
    private final Map<String, Hold> held = new ConcurrentHashMap<>();
    private ScheduledExecutorService beats;
    private volatile boolean failing;

    private record Hold(String leaseToken, Instant since) {
    }

    LeaseHeartbeat(DeliveryQueue queue, DeliveryProperties properties, Clock clock) {
        this.queue = queue;
        this.properties = properties;
        this.clock = clock;
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The name this instance claims deliveries under (the delivery's {@code leaseOwner}, for people reading it). */
    String owner() {
        return owner;
    }

    /** A worker of this instance claimed the delivery: its lease is renewed until {@link #release}. */
    void hold(Delivery claim) {
        held.put(claim.notificationId().toString(), new Hold(claim.leaseToken(), clock.instant()));
    }

    /** The worker is done with the delivery (whatever the outcome): its lease is left to run out, or was cleared. */
    void release(Delivery claim) {
        // only this claim's hold: the same delivery may have been claimed again since, by another worker of this instance
        held.computeIfPresent(claim.notificationId().toString(),
                (id, hold) -> hold.leaseToken().equals(claim.leaseToken()) ? null : hold);
    }

    /** Extends the leases of every delivery held (and not held for longer than max-hold): one round trip. */
    void beat() {
        Instant now = clock.instant();
        Map<String, String> renewed = new HashMap<>();
        held.forEach((id, hold) -> {
            if (Duration.between(hold.since(), now).compareTo(properties.maxHold()) < 0) {
                renewed.put(id, hold.leaseToken());
            }
        });
        queue.renewLeases(renewed, now.plus(properties.lease()));
    }

    @Override
    public synchronized void start() {
        if (beats != null) {
            return;
        }
        beats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "notification-lease-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long every = properties.heartbeatInterval().toMillis();
        // a thread of its own: neither a busy maintenance task nor a slow Kafka may delay a beat
        beats.scheduleWithFixedDelay(this::beatQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    private void beatQuietly() {
        try {
            beat();
            if (failing) {
                failing = false;
                log.info("Delivery leases renewed again");
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                log.warn("Cannot renew the leases of {} deliveries (every {}); they run out {} after the last renewal: {}",
                        held.size(), properties.heartbeatInterval(), properties.lease(), e.toString());
            }
        }
    }

    @Override
    public synchronized void stop() {
        if (beats != null) {
            beats.shutdownNow();
            beats = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return beats != null;
    }

    /** Starts before the workers and stops after them: the sends they finish while stopping keep their leases. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 300;
    }
}

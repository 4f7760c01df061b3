package io.roster.notification.delivery;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The threads that send the emails, apart from the Kafka consumer (which only records deliveries, so a
 * slow or dead SMTP server never holds up the reading of events). Each worker claims the most overdue
 * delivery of a route the {@link OrganizationGate} lets through, processes it, and waits for the next
 * (woken at once when the consumer records one, otherwise polling). A claim is a short lease that the
 * {@link LeaseHeartbeat} renews while the worker is at it. A maintenance task turns deliveries whose worker
 * stopped mid-send into {@code unknown} and publishes outcome events a crash left behind. Several instances
 * can run side by side: claims are atomic in MongoDB and every write is lease-fenced.
 */
@Component
public class DeliveryWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryWorkers.class);

    private final DeliveryQueue queue;
    private final DeliveryProcessor processor;
    private final OutcomePublisher publisher;
    private final DeliveryProperties properties;
    private final Clock clock;
    private final OrganizationGate gate;
    private final LeaseHeartbeat leases;
    private final UnsentClaims unsent;
    private final Object signal = new Object();
    private final Object claimLock = new Object();
    private static final int CANDIDATES = 100;
    /**
     * At most this many emails of one route a worker claims and sends in one go: large enough that claims and the
     * records of sent emails take few round trips, small enough that a turn lasts a fraction of a second.
     */
    private static final int TURN = 8;
    private static final Duration REFILL_INTERVAL = Duration.ofMillis(100);
    private long lastRefill = System.nanoTime() - TimeUnit.DAYS.toNanos(1);
    private long wakeupsAtLastRefill = -1;
    private boolean lastRefillWasFull;
    /** The routes the last query left out (guarded by claimLock). */
    private Set<String> excludedAtLastRefill = Set.of();
    /** Due deliveries fetched but not yet claimed, in due order (guarded by claimLock). */
    private final Deque<Delivery> candidates = new ArrayDeque<>();
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService maintenance;
    private long wakeups;
    private volatile boolean running;
    private volatile boolean storeDown;
    private volatile boolean heldBack;

    DeliveryWorkers(DeliveryQueue queue, DeliveryProcessor processor, OutcomePublisher publisher,
                    DeliveryProperties properties, Clock clock, LeaseHeartbeat leases, UnsentClaims unsent) {
        this.queue = queue;
        this.processor = processor;
        this.publisher = publisher;
        this.properties = properties;
        this.clock = clock;
        this.gate = new OrganizationGate(properties.perOrganizationConcurrency(), new RetryPolicy(properties));
        this.leases = leases;
        this.unsent = unsent;
    }

    /** Deliveries were recorded: as many idle workers as they need (a turn each) take them now rather than at their next poll. */
    public void wake(int recorded) {
        if (recorded <= 0) {
            return;
        }
        synchronized (signal) {
            wakeups++;
            for (int i = 0; i < Math.min(properties.workers(), (recorded + TURN - 1) / TURN); i++) {
                signal.notify();
            }
        }
    }

    @Override
    public synchronized void start() {
        if (running || !properties.enabled()) {
            return;
        }
        running = true;
        for (int i = 0; i < properties.workers(); i++) {
            Thread thread = new Thread(this::work, "notification-worker-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
        maintenance = Executors.newScheduledThreadPool(2, r -> {
            Thread thread = new Thread(r, "notification-maintenance");
            thread.setDaemon(true);
            return thread;
        });
        long every = properties.maintenanceInterval().toMillis();
        // apart, so that a Kafka outage (republishing waits for it) never delays the recovery of stalled sends
        maintenance.scheduleWithFixedDelay(() -> maintain(this::recoverInFlight), every, every, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(() -> maintain(this::republishOutcomes), every, every, TimeUnit.MILLISECONDS);
        log.info("{} notification workers started ({} per organization, lease {} renewed every {}, up to {} attempts)",
                properties.workers(), properties.perOrganizationConcurrency(), properties.lease(), properties.heartbeatInterval(),
                properties.maxAttempts());
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        synchronized (signal) {
            signal.notifyAll();
        }
        maintenance.shutdownNow();
        long deadline = System.nanoTime() + properties.shutdownWait().toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (thread.isAlive()) {
                log.warn("{} still busy at shutdown; its delivery is recovered by lease", thread.getName());
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the Kafka listeners (which stop in a later phase) and before MongoDB closes. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 200;
    }

    private void work() {
        while (running && !Thread.currentThread().isInterrupted()) {
            long seen;
            synchronized (signal) {
                seen = wakeups;
            }
            List<Delivery> turn;
            try {
                turn = claimTurn(seen);
                if (storeDown) {
                    storeDown = false;
                    log.info("Looking for due emails again");
                }
            } catch (RuntimeException e) {
                if (!storeDown) {
                    storeDown = true;
                    log.warn("Cannot look for due emails (retrying every {}): {}", properties.pollInterval(), e.toString());
                }
                turn = List.of();
            }
            if (turn.isEmpty()) {
                idle(seen);
                continue;
            }
            Attempt attempt = Attempt.LOST;
            // the slot reserved at the claim is given back in the finally below
            try {
                attempt = processor.processInTurn(turn, true);
            } catch (RuntimeException e) {
                // MongoDB or Kafka trouble while recording: no longer renewed, the lease brings the deliveries back
                log.error("Notifications {}: processing failed; they are taken again after their lease",
                        turn.stream().map(Delivery::notificationId).toList(), e);
                idle(seen);
            } finally {
                turn.forEach(leases::release);
                gate.leave(turn.get(0).route(), attempt, clock.instant());
            }
        }
    }

    /**
     * Claims the next turn: the first candidate fetched earlier (one query serves many claims) whose route the gate lets
     * through, reserving one slot of the route, with up to {@link #TURN} - 1 further candidates of the same route. A
     * worker sends them one after another (see {@link DeliveryProcessor#processInTurn}), so the route has no more
     * emails in flight than the gate allows, and each email costs fewer round trips. New candidates are fetched when
     * none is left. The claim itself (two commands for a whole turn) runs outside the lock, so workers claim in parallel.
     */
    private List<Delivery> claimTurn(long wakeupsSeen) {
        while (true) {
            List<Delivery> turn;
            Instant now;
            synchronized (claimLock) {
                now = clock.instant();
                Set<String> excluded = gate.excluded(now);
                turn = nextTurn(excluded);
                if (turn.isEmpty() && mayRefill(wakeupsSeen, excluded)) {
                    refill(excluded, now, wakeupsSeen);
                    turn = nextTurn(excluded);
                }
                heldBack = !candidates.isEmpty();
                if (turn.isEmpty()) {
                    return List.of();
                }
                gate.enter(turn.get(0).route());
            }
            List<Delivery> claimed = List.of();
            try {
                claimed = queue.claimAll(turn.stream().map(c -> c.notificationId().toString()).toList(), now,
                        properties.lease(), leases.owner());
            } finally {
                claimed.forEach(leases::hold);
                if (claimed.isEmpty()) {
                    // other workers or instances took them, they were cancelled, or the claim failed: give the slot back
                    gate.leave(turn.get(0).route(), Attempt.LOST, now);
                }
            }
            if (!claimed.isEmpty()) {
                return claimed;
            }
        }
    }

    private void refill(Set<String> excluded, Instant now, long wakeupsSeen) {
        lastRefill = System.nanoTime();
        wakeupsAtLastRefill = wakeupsSeen;
        excludedAtLastRefill = excluded;
        if (candidates.size() > 10 * CANDIDATES) {
            // only held-back routes' candidates are left, and many: fetch afresh rather than grow
            candidates.clear();
        }
        Set<String> known = new HashSet<>();
        candidates.forEach(c -> known.add(c.notificationId().toString()));
        List<Delivery> due = queue.dueCandidates(excluded, now, CANDIDATES);
        lastRefillWasFull = due.size() == CANDIDATES;
        due.stream().filter(c -> known.add(c.notificationId().toString())).forEach(candidates::addLast);
    }

    /** The first candidate of a route not excluded, and the next ones of its route, up to a turn's size. */
    private List<Delivery> nextTurn(Set<String> excluded) {
        List<Delivery> turn = new ArrayList<>();
        for (var it = candidates.iterator(); it.hasNext() && turn.size() < TURN; ) {
            Delivery candidate = it.next();
            String route = turn.isEmpty() ? null : turn.get(0).route();
            if (route == null ? !excluded.contains(candidate.route()) : route.equals(candidate.route())) {
                it.remove();
                turn.add(candidate);
            }
        }
        return turn;
    }

    /**
     * Whether to query for candidates again. With none left: when the last query may have left some behind (it was full,
     * or it left out a route the gate lets through now), when a delivery was recorded since, or once per poll interval
     * (retries coming due) for the whole instance, not per worker. With only held-back routes' candidates left: at most
     * every {@link #REFILL_INTERVAL}, so that another organization's email waits no longer than that while one
     * organization's emails fill every slot they are allowed. (Without the second reason, a worker done with its turn
     * waited a poll interval whenever an idle worker had just queried while the route was full: a 1000-email upload
     * stalled that way after every hundred.)
     */
    private boolean mayRefill(long wakeupsSeen, Set<String> excludedNow) {
        long since = System.nanoTime() - lastRefill;
        if (candidates.isEmpty()) {
            return lastRefillWasFull || !excludedNow.containsAll(excludedAtLastRefill) || wakeupsSeen != wakeupsAtLastRefill
                    || since >= properties.pollInterval().toNanos();
        }
        return since >= REFILL_INTERVAL.toNanos();
    }

    private void idle(long seen) {
        synchronized (signal) {
            if (running && wakeups == seen) {
                try {
                    // while candidates are held back, look again soon: another organization's email may be due
                    signal.wait(heldBack ? REFILL_INTERVAL.toMillis() : properties.pollInterval().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void maintain(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            if (!storeDown) {
                log.warn("Delivery maintenance failed: {}", e.toString());
            }
        }
    }

    /**
     * Deliveries whose worker stopped during the SMTP transaction become unknown (see {@link DeliveryProcessor}); first,
     * this instance's claims that never reached it go back to the queue ({@link UnsentClaims}).
     */
    void recoverInFlight() {
        unsent.requeue(queue, clock.instant());
        Optional<Delivery> expired;
        while ((expired = queue.expireOneInFlight(clock.instant())).isPresent()) {
            Delivery unknown = expired.get();
            log.warn("Notification {} ({}) to {}: its worker stopped mid-send; outcome unknown, not sent again",
                    unknown.notificationId(), unknown.kind(), unknown.recipient());
            processor.count(unknown, DeliveryStatus.UNKNOWN);
            publisher.publish(unknown);
        }
    }

    private void republishOutcomes() {
        for (Delivery delivery : queue.unpublishedOutcomes(clock.instant().minus(properties.outboxRetryAfter()), 100)) {
            try {
                publisher.publishNow(delivery);
            } catch (Exception e) {
                log.warn("Outcome of notification {} still not published: {}", delivery.notificationId(), e.toString());
                return;
            }
        }
    }
}

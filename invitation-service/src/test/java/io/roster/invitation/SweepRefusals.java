package io.roster.invitation;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * What the expiry sweeps of several replicas lost to each other. The sweep logs (at debug) every expiry the
 * aggregate refused; a refused command changes nothing and produces no event, so its log line is the only trace.
 * Each replica sweeps on a thread of its own (its scheduler's, which has the same name in every replica), so
 * refusals are told apart by the thread that logged them.
 */
final class SweepRefusals extends AppenderBase<ILoggingEvent> implements AutoCloseable {

    static final String EXPIRY_SWEEP = "io.roster.invitation.invitation.InvitationExpiry";
    static final String REMINDER_SWEEP = "io.roster.invitation.invitation.InvitationReminders";

    /** One refused expiry: the sweep's thread and why the aggregate refused it. */
    record Refusal(String sweepThread, String reason) {
    }

    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private final Logger sweepLogger;
    private final Level previousLevel;

    /** Attach once the replicas are up: starting a Spring application may reset the logging configuration. */
    SweepRefusals() {
        this(EXPIRY_SWEEP);
    }

    /** The refusals of the sweep logging as {@code sweep} ({@link #EXPIRY_SWEEP}, {@link #REMINDER_SWEEP}). */
    SweepRefusals(String sweep) {
        sweepLogger = (Logger) LoggerFactory.getLogger(sweep);
        previousLevel = sweepLogger.getLevel();
        setContext(sweepLogger.getLoggerContext());
        setName("sweep-refusals");
        start();
        sweepLogger.addAppender(this);
        sweepLogger.setLevel(Level.DEBUG);
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (event.getLevel() != Level.DEBUG) {
            // a refusal is logged at debug; anything else the sweep says is not one
            return;
        }
        // appenders run on the logging thread: the sweep's own
        Thread sweep = Thread.currentThread();
        Object[] arguments = event.getArgumentArray();
        String reason = arguments != null && arguments.length > 1 ? String.valueOf(arguments[1]) : event.getFormattedMessage();
        refusals.add(new Refusal(sweep.getName() + "#" + sweep.getId(), reason));
    }

    /** Refusals per sweep thread. */
    Map<String, Long> perSweep() {
        return refusals.stream().collect(Collectors.groupingBy(Refusal::sweepThread, TreeMap::new, Collectors.counting()));
    }

    /** Refused by the aggregate's "still pending and due" guard: the other sweep's event was stored when it loaded. */
    long refusedByTheGuard() {
        return refusals.stream().filter(r -> r.reason().contains("not due to expire") || r.reason().contains("not due a reminder")).count();
    }

    /** Refused by the event store: both appended the aggregate's next event at once, its unique index took one. */
    long refusedByTheEventStore() {
        return refusals.stream().filter(r -> r.reason().contains("was already inserted")).count();
    }

    int total() {
        return refusals.size();
    }

    @Override
    public void close() {
        sweepLogger.detachAppender(this);
        sweepLogger.setLevel(previousLevel);
        stop();
    }
}

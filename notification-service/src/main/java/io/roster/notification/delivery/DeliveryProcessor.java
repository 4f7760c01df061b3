package io.roster.notification.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.roster.events.notification.NotificationKind;
import io.roster.notification.email.Composition;
import io.roster.notification.email.EmailComposer;
import io.roster.notification.settings.SmtpRouting;
import io.roster.notification.smtp.MailGateway;
import io.roster.notification.smtp.OutgoingEmail;
import io.roster.notification.smtp.SmtpFailure;
import io.roster.notification.smtp.SmtpServer;
import io.roster.kit.tracing.Traces;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One go at a claimed delivery: compose, connect, record {@code sending}, send, record the outcome.
 *
 * <p><b>A send that was in flight when the process died is not sent again (at most once).</b> The state
 * is written to MongoDB before the SMTP transaction starts ({@code sending}, under a lease) and after it
 * ends. A worker that dies while {@code claimed} (composing, connecting, authenticating: nothing can have
 * been delivered) loses its lease and the delivery is simply taken again. A worker that dies while
 * {@code sending} (MAIL FROM … DATA … 250 and the write of {@code sent}) may or may not have delivered the
 * email; when its lease runs out the delivery becomes {@code unknown}, a {@code NotificationFailed} says
 * so, and the delivery log shows it. Sending it again would risk two emails for one event, which
 * replays and redeliveries must never cause; an admin who sees {@code unknown} can resend an invitation.
 * The window is one SMTP transaction long (milliseconds), and every message of one notification carries
 * the same Message-ID, so a duplicate could be recognised downstream anyway.
 */
@Component
public class DeliveryProcessor {

    private static final Logger log = LoggerFactory.getLogger(DeliveryProcessor.class);

    private final DeliveryQueue queue;
    private final SmtpRouting routing;
    private final EmailComposer composer;
    private final MailGateway gateway;
    private final OutcomePublisher publisher;
    private final DeliveryProperties properties;
    private final RetryPolicy retry;
    private final Clock clock;
    private final MeterRegistry meters;
    private final UnsentClaims unsent;

    DeliveryProcessor(DeliveryQueue queue, SmtpRouting routing, EmailComposer composer, MailGateway gateway,
                      OutcomePublisher publisher, DeliveryProperties properties, Clock clock, MeterRegistry meters,
                      UnsentClaims unsent) {
        this.queue = queue;
        this.routing = routing;
        this.composer = composer;
        this.gateway = gateway;
        this.publisher = publisher;
        this.properties = properties;
        this.retry = new RetryPolicy(properties);
        this.clock = clock;
        this.meters = meters;
        this.unsent = unsent;
        // every kind's outcomes and latency exist at zero from start-up, so that a rate sees the first email
        for (NotificationKind kind : NotificationKind.values()) {
            for (DeliveryStatus status : List.of(DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.UNKNOWN, DeliveryStatus.CANCELLED)) {
                outcomes(kind, status);
            }
            if (kind != NotificationKind.TEST) {
                latency(kind);
            }
        }
    }

    /**
     * @param claim     a delivery this worker holds the lease of
     * @param retryable false for test emails, whose caller waits for the one attempt's outcome
     */
    public Attempt process(Delivery claim, boolean retryable) {
        return processInTurn(List.of(claim), retryable);
    }

    /**
     * A worker's turn at one route: its claims, one after another. An email the server accepted is recorded
     * {@code sent} together with the next email's {@code sending} (one round trip for both; see {@link Accepted}), the
     * last one on its own. After a transient failure the route pauses (see {@link OrganizationGate}), so the claims
     * not yet attempted go back to the queue, their attempt not counted.
     *
     * @param claims deliveries of one route this worker holds the leases of
     * @return the attempt that tells the gate how the route's server did: a transient failure, else a sent or
     * permanently refused email (the server answered), else the last attempt
     */
    Attempt processInTurn(List<Delivery> claims, boolean retryable) {
        Turn turn = new Turn();
        Attempt result = null;
        int attempted = 0;
        boolean recorded = false;
        try {
            while (attempted < claims.size() && result != Attempt.TRANSIENT_FAILURE) {
                Delivery claim = claims.get(attempted++);
                result = telling(result, attempt(claim, retryable, turn));
                turn.recordEarlierThan(claim);
            }
            turn.recordAll();
            recorded = true;
            return result;
        } finally {
            turn.closeConnection();
            if (!recorded) {
                turn.recordQuietly();
            }
            if (attempted < claims.size()) {
                giveBack(claims.subList(attempted, claims.size()));
            }
        }
    }

    /** What the gate hears of a turn so far: a transient failure, else a server that answered, else the latest attempt. */
    private static Attempt telling(Attempt sofar, Attempt latest) {
        boolean answered = sofar == Attempt.SENT || sofar == Attempt.PERMANENT_FAILURE;
        return answered && latest != Attempt.TRANSIENT_FAILURE ? sofar : latest;
    }

    private Attempt attempt(Delivery claim, boolean retryable, Turn turn) {
        // the attempt continues the trace of the event that made the email: its log lines and the email carry it
        try (var ignored = MDC.putCloseable("correlationId", claim.correlationId());
             var span = Traces.continueFrom("deliver " + claim.kind(), claim.traceparent(), null)) {
            if (claim.obsoleteBecause() != null) {
                return cancel(claim, claim.obsoleteBecause());
            }
            SmtpServer server;
            try {
                server = routing.serverFor(claim.organizationId());
            } catch (IllegalStateException e) {
                return fail(claim, e.getMessage(), Attempt.UNSENDABLE);
            }
            Composition composition = composer.compose(claim, server);
            if (composition instanceof Composition.Ready ready) {
                return send(claim, server, ready, retryable, turn);
            }
            if (composition instanceof Composition.Waiting waiting) {
                return defer(claim, waiting.reason());
            }
            if (composition instanceof Composition.Cancelled cancelled) {
                return cancel(claim, cancelled.reason());
            }
            return fail(claim, ((Composition.Impossible) composition).reason(), Attempt.UNSENDABLE);
        }
    }

    private Attempt cancel(Delivery claim, String reason) {
        if (queue.markCancelled(claim, reason, clock.instant())) {
            count(claim, DeliveryStatus.CANCELLED);
            log.info("Notification {} ({}) cancelled: {}", claim.notificationId(), claim.kind(), reason);
        }
        return Attempt.CANCELLED;
    }

    private Attempt send(Delivery claim, SmtpServer server, Composition.Ready ready, boolean retryable, Turn turn) {
        MailGateway.MailConnection connection;
        try {
            connection = turn.connectionTo(server);
        } catch (SmtpFailure failure) {
            return failed(claim, failure, retryable);
        }
        if (!markSending(claim, server, ready, turn)) {
            log.warn("Notification {}: lease lost before sending; another worker has it", claim.notificationId());
            return Attempt.LOST;
        }
        try {
            connection.send(new OutgoingEmail(claim.notificationId(), ready.recipient(), ready.email().subject(),
                    ready.email().text(), ready.email().html(), Traces.currentTraceparent()));
        } catch (SmtpFailure failure) {
            turn.closeConnection();
            return failed(claim, failure, retryable);
        } catch (RuntimeException e) {
            turn.closeConnection();
            // not an SMTP answer: how far the transaction went is unknown, and unknown it stays (at most once)
            log.error("Notification {}: sending failed unexpectedly; its outcome is unknown", claim.notificationId(), e);
            queue.markUnknown(claim, "outcome unknown: sending failed unexpectedly (" + e + "); it is not sent again",
                    clock.instant()).ifPresent(unknown -> {
                publisher.publish(unknown);
                count(unknown, DeliveryStatus.UNKNOWN);
            });
            return Attempt.UNKNOWN;
        }
        // logged here, in the attempt's trace; the record of it may go with the next email's write
        log.debug("Notification {} ({}) sent", claim.notificationId(), claim.kind());
        turn.accepted = new Accepted(claim, ready.recipient(), !server.platform(), clock.instant());
        return Attempt.SENT;
    }

    /** Writes {@code sending}, with the turn's earlier accepted email recorded {@code sent} in the same round trip. */
    private boolean markSending(Delivery claim, SmtpServer server, Composition.Ready ready, Turn turn) {
        Accepted earlier = turn.accepted;
        try {
            if (earlier == null) {
                return queue.markSending(claim, ready.recipient(), !server.platform(), clock.instant(), properties.lease());
            }
            DeliveryQueue.Sending written = queue.markSending(claim, ready.recipient(), !server.platform(), clock.instant(),
                    properties.lease(), earlier);
            turn.accepted = null;
            recorded(earlier, written.earlierSent());
            return written.sending();
        } catch (RuntimeException e) {
            // MongoDB may have applied it: without this note the delivery would become unknown, though never sent
            unsent.add(claim);
            throw e;
        }
    }

    private void recorded(Accepted accepted, Optional<Delivery> recordedSent) {
        recordedSent.ifPresentOrElse(sent -> {
            publisher.publish(sent);
            count(sent, DeliveryStatus.SENT);
            if (sent.eventOccurredAt() != null && sent.kind() != NotificationKind.TEST) {
                latency(sent.kind()).record(Duration.between(sent.eventOccurredAt(), accepted.at()));
            }
        }, () -> log.warn("Notification {} was sent, but its lease had passed to another worker meanwhile",
                accepted.claim().notificationId()));
    }

    private void giveBack(List<Delivery> claims) {
        try {
            queue.giveBack(claims, clock.instant());
        } catch (RuntimeException e) {
            log.warn("{} claimed emails not attempted could not go back to the queue; they are taken again after their lease: {}",
                    claims.size(), e.toString());
        }
    }

    /**
     * What a turn carries from one email to the next: the email the server accepted last, whose record as sent waits
     * for the next write, and the connection it went through, which the next email to the same server takes as it is
     * (no check with NOOP, as one taken from the pool gets: it has just answered).
     */
    private final class Turn {
        Accepted accepted;
        private MailGateway.MailConnection connection;
        private SmtpServer connectedTo;

        MailGateway.MailConnection connectionTo(SmtpServer server) throws SmtpFailure {
            if (connection != null && server.equals(connectedTo)) {
                return connection;
            }
            closeConnection();
            connection = gateway.connect(server);
            connectedTo = server;
            return connection;
        }

        /** Back to the pool, or closed if anything failed on it (the gateway knows). */
        void closeConnection() {
            if (connection != null) {
                connection.close();
                connection = null;
                connectedTo = null;
            }
        }

        /** An accepted email that the next one's write did not take along (that one went another way) is recorded now. */
        void recordEarlierThan(Delivery current) {
            if (accepted != null && !accepted.claim().notificationId().equals(current.notificationId())) {
                recordAll();
            }
        }

        void recordAll() {
            Accepted last = accepted;
            if (last != null) {
                accepted = null;
                recorded(last, queue.markSent(last.claim(), last.at()));
            }
        }

        /** After a failure: the accepted email is recorded if MongoDB allows, the failure is what the worker hears. */
        void recordQuietly() {
            Accepted last = accepted;
            try {
                recordAll();
            } catch (RuntimeException e) {
                // it stays sending: when its lease runs out it becomes unknown and is not sent again (at most once)
                log.error("Notification {}: sent, but its outcome could not be recorded", last.claim().notificationId(), e);
            }
        }
    }

    private Attempt failed(Delivery claim, SmtpFailure failure, boolean retryable) {
        Instant now = clock.instant();
        if (failure.isPermanent()) {
            fail(claim, failure.getMessage(), Attempt.PERMANENT_FAILURE);
            return Attempt.PERMANENT_FAILURE;
        }
        if (!retryable || retry.isLastAttempt(claim.attempts())) {
            fail(claim, retryable ? "gave up after " + claim.attempts() + " attempts: " + failure.getMessage() : failure.getMessage(),
                    Attempt.TRANSIENT_FAILURE);
            return Attempt.TRANSIENT_FAILURE;
        }
        Duration wait = retry.backoffAfter(claim.attempts());
        if (queue.reschedule(claim, DeliveryStatus.RETRYING, now.plus(wait), failure.getMessage(), true, now)) {
            log.info("Notification {} ({}): attempt {} failed ({}); next in {} ms", claim.notificationId(), claim.kind(),
                    claim.attempts(), failure.getMessage(), wait.toMillis());
        }
        return Attempt.TRANSIENT_FAILURE;
    }

    private Attempt fail(Delivery claim, String error, Attempt attempt) {
        queue.markFailed(claim, error, clock.instant()).ifPresent(failed -> {
            log.warn("Notification {} ({}) to {} failed after {} attempt(s): {}", failed.notificationId(), failed.kind(),
                    failed.recipient(), failed.attempts(), error);
            publisher.publish(failed);
            count(failed, DeliveryStatus.FAILED);
        });
        return attempt;
    }

    private Attempt defer(Delivery claim, String reason) {
        Instant now = clock.instant();
        if (claim.createdAt().plus(properties.factsWait()).isBefore(now)) {
            return fail(claim, "gave up " + reason + " after " + properties.factsWait(), Attempt.UNSENDABLE);
        }
        queue.reschedule(claim, DeliveryStatus.PENDING, now.plus(properties.initialBackoff()), reason, false, now);
        return Attempt.DEFERRED;
    }

    void count(Delivery delivery, DeliveryStatus status) {
        outcomes(delivery.kind(), status).increment();
    }

    private Counter outcomes(NotificationKind kind, DeliveryStatus status) {
        return Counter.builder("roster.notification.outcomes")
                .description("Emails by kind and outcome")
                .tag("kind", DeliveryDocuments.kindValue(kind))
                .tag("status", status.value())
                .register(meters);
    }

    private Timer latency(NotificationKind kind) {
        return Timer.builder("roster.notification.delivery.latency")
                .description("From the triggering event to the SMTP server's acceptance")
                .tag("kind", DeliveryDocuments.kindValue(kind))
                .register(meters);
    }
}

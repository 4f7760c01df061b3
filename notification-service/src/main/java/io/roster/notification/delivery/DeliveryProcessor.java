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
                return send(claim, server, ready, retryable);
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

    private Attempt send(Delivery claim, SmtpServer server, Composition.Ready ready, boolean retryable) {
        MailGateway.MailConnection connection;
        try {
            connection = gateway.connect(server);
        } catch (SmtpFailure failure) {
            return failed(claim, failure, retryable);
        }
        try (connection) {
            if (!markSending(claim, server, ready)) {
                log.warn("Notification {}: lease lost before sending; another worker has it", claim.notificationId());
                return Attempt.LOST;
            }
            try {
                connection.send(new OutgoingEmail(claim.notificationId(), ready.recipient(), ready.email().subject(),
                        ready.email().text(), ready.email().html(), Traces.currentTraceparent()));
            } catch (SmtpFailure failure) {
                return failed(claim, failure, retryable);
            } catch (RuntimeException e) {
                // not an SMTP answer: how far the transaction went is unknown, and unknown it stays (at most once)
                log.error("Notification {}: sending failed unexpectedly; its outcome is unknown", claim.notificationId(), e);
                queue.markUnknown(claim, "outcome unknown: sending failed unexpectedly (" + e + "); it is not sent again",
                        clock.instant()).ifPresent(unknown -> {
                    publisher.publish(unknown);
                    count(unknown, DeliveryStatus.UNKNOWN);
                });
                return Attempt.UNKNOWN;
            }
        }
        Instant sentAt = clock.instant();
        queue.markSent(claim, sentAt).ifPresentOrElse(sent -> {
            log.debug("Notification {} ({}) sent", claim.notificationId(), claim.kind());
            publisher.publish(sent);
            count(sent, DeliveryStatus.SENT);
            if (sent.eventOccurredAt() != null && sent.kind() != io.roster.events.notification.NotificationKind.TEST) {
                latency(sent.kind()).record(Duration.between(sent.eventOccurredAt(), sentAt));
            }
        }, () -> log.warn("Notification {} was sent, but its lease had passed to another worker meanwhile",
                claim.notificationId()));
        return Attempt.SENT;
    }

    private boolean markSending(Delivery claim, SmtpServer server, Composition.Ready ready) {
        try {
            return queue.markSending(claim, ready.recipient(), !server.platform(), clock.instant(), properties.lease());
        } catch (RuntimeException e) {
            // MongoDB may have applied it: without this note the delivery would become unknown, though never sent
            unsent.add(claim);
            throw e;
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

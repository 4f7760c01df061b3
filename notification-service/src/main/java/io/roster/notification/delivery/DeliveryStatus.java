package io.roster.notification.delivery;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a delivery stands. The life of one:
 * <pre>
 *   pending ──claim──▶ claimed ──SMTP connected──▶ sending ──250──▶ sent
 *      ▲                  │                           │
 *      │   transient      │ (lease expires:           ├─ 4xx / timeout / refused ──▶ retrying ──due──▶ claimed …
 *      └── facts missing ─┘  claimed again)           ├─ 5xx / bad address / last attempt ──▶ failed
 *                                                     └─ lease expires (the process died mid-send) ──▶ unknown
 *   pending / retrying ── invitation resent, revoked, accepted or expired; link expired; account deleted ──▶ cancelled
 * </pre>
 */
public enum DeliveryStatus {
    /** Recorded from its triggering event, waiting for its first attempt (or for a fact it needs). */
    PENDING(false),
    /** An attempt failed transiently; the next one is due at {@code nextAttemptAt}. */
    RETRYING(false),
    /** A worker holds it under a lease and has not yet started the SMTP transaction: safe to try again if it dies. */
    CLAIMED(false),
    /** The SMTP transaction started: if the worker dies now, whether the email went out is unknown. */
    SENDING(false),
    /** The SMTP server accepted the email. */
    SENT(true),
    /** Refused permanently, or still failing after the last attempt. */
    FAILED(true),
    /** The service stopped during the SMTP transaction; it is not sent again (at most once). */
    UNKNOWN(true),
    /** Not sent, on purpose: superseded, expired or no longer wanted. */
    CANCELLED(true);

    private final boolean terminal;

    DeliveryStatus(boolean terminal) {
        this.terminal = terminal;
    }

    public boolean isTerminal() {
        return terminal;
    }

    @JsonValue
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DeliveryStatus of(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }

    public static Optional<DeliveryStatus> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.value().equals(value)).findFirst();
    }
}

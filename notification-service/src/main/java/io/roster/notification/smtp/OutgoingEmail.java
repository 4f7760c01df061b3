package io.roster.notification.smtp;

import java.util.UUID;

/**
 * One rendered email to one recipient; the notification id becomes its Message-ID, and the W3C {@code traceparent} of
 * the attempt (when traced) a {@code traceparent} header, so a reader can follow the email back to the request.
 */
public record OutgoingEmail(UUID notificationId, String to, String subject, String text, String html, String traceparent) {

    public OutgoingEmail(UUID notificationId, String to, String subject, String text, String html) {
        this(notificationId, to, subject, text, html, null);
    }
}

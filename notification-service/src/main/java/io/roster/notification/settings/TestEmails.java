package io.roster.notification.settings;

import java.util.UUID;

/**
 * Sends a test email through an organization's current SMTP settings while the caller waits. The delivery
 * feature does it (a test email is a delivery like any other, in the log and on Kafka); the settings only ask.
 */
public interface TestEmails {

    TestEmailResult send(UUID organizationId, String to, String idempotencyKey);

    /** What the test send gave: {@code sent}, or {@code failed} with the SMTP server's answer. */
    record TestEmailResult(UUID notificationId, String recipient, String status, String error) {
    }
}

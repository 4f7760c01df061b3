package io.roster.notification.smtp;

import java.util.UUID;

/** One rendered email to one recipient; the notification id becomes its Message-ID. */
public record OutgoingEmail(UUID notificationId, String to, String subject, String text, String html) {
}

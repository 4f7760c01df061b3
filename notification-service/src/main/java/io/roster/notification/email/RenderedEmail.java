package io.roster.notification.email;

/** An email's subject (one line), plain-text part and HTML part. */
public record RenderedEmail(String subject, String text, String html) {
}

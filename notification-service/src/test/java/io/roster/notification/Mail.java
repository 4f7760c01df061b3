package io.roster.notification;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;

/** A received email taken apart: headers and its plain-text and HTML parts. */
public record Mail(String subject, String from, String to, String text, String html, String contentType,
                   String messageId, String notificationId) {

    public static Mail of(MimeMessage message) {
        try {
            String text = null;
            String html = null;
            if (message.getContent() instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart part = multipart.getBodyPart(i);
                    if (part.isMimeType("text/plain")) {
                        text = (String) part.getContent();
                    } else if (part.isMimeType("text/html")) {
                        html = (String) part.getContent();
                    }
                }
            }
            return new Mail(message.getSubject(), message.getFrom()[0].toString(),
                    message.getRecipients(MimeMessage.RecipientType.TO)[0].toString(), text, html, message.getContentType(),
                    message.getMessageID(), message.getHeader("X-Roster-Notification-Id", null));
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

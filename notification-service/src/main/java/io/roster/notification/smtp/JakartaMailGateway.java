package io.roster.notification.smtp;

import jakarta.annotation.PreDestroy;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.springframework.stereotype.Component;

import java.io.UnsupportedEncodingException;
import java.util.Date;
import java.util.Deque;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * SMTP through Jakarta Mail (Angus): bounded connect, read and write timeouts, STARTTLS required when
 * asked for, server identity checked under TLS. Each message is multipart/alternative (plain text, then
 * HTML), marked {@code Auto-Submitted: auto-generated}, and its Message-ID is derived from the
 * notification id, so that every copy of one notification carries the same id.
 *
 * <p>Connections are reused: a connection that sent an email cleanly goes back to a pool for the next email
 * to the same server, login and sender ({@link ConnectionKey}; checked with NOOP before reuse), up to {@code messagesPerConnection} emails and
 * {@code connectionIdleTimeout} of idleness. Connecting (TCP, TLS, EHLO, AUTH) costs far more than one
 * email. A connection on which anything failed is closed, never reused.
 */
@Component
class JakartaMailGateway implements MailGateway {

    static final String NOTIFICATION_ID_HEADER = "X-Roster-Notification-Id";
    private static final String UTF_8 = "UTF-8";

    private final PlatformSmtpProperties settings;
    private final Map<ConnectionKey, Deque<Pooled>> idle = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "smtp-connection-reaper");
        thread.setDaemon(true);
        return thread;
    });

    JakartaMailGateway(PlatformSmtpProperties settings) {
        this.settings = settings;
        long every = Math.max(500, settings.connectionIdleTimeout().toMillis() / 2);
        reaper.scheduleWithFixedDelay(this::closeIdle, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public MailConnection connect(SmtpServer server) throws SmtpFailure {
        ConnectionKey key = ConnectionKey.of(server);
        Deque<Pooled> pool = idle.get(key);
        for (Pooled pooled = pool == null ? null : pool.pollFirst(); pooled != null; pooled = pool.pollFirst()) {
            // isConnected() asks the server (NOOP): a dropped connection, or a server that answers anything but 250
            // (mail.smtp.noop.strict, the default), is closed here and the next one tried, or a new one opened
            if (pooled.transport().isConnected()) {
                return new JakartaConnection(pooled.session(), pooled.transport(), server, pooled.sent());
            }
            quietlyClose(pooled.transport());
        }
        Session session = Session.getInstance(properties(server));
        try {
            Transport transport = session.getTransport("smtp");
            transport.connect(server.host(), server.port(), server.authenticates() ? server.username() : null,
                    server.authenticates() ? server.password() : null);
            return new JakartaConnection(session, transport, server, 0);
        } catch (MessagingException e) {
            throw SmtpFailure.of(e);
        }
    }

    private Properties properties(SmtpServer server) {
        Properties p = new Properties();
        p.put("mail.smtp.host", server.host());
        p.put("mail.smtp.port", Integer.toString(server.port()));
        p.put("mail.smtp.connectiontimeout", Long.toString(settings.connectTimeout().toMillis()));
        p.put("mail.smtp.timeout", Long.toString(settings.timeout().toMillis()));
        p.put("mail.smtp.writetimeout", Long.toString(settings.timeout().toMillis()));
        p.put("mail.smtp.from", server.senderAddress());
        p.put("mail.smtp.auth", Boolean.toString(server.authenticates()));
        switch (server.tlsMode()) {
            case STARTTLS -> {
                p.put("mail.smtp.starttls.enable", "true");
                p.put("mail.smtp.starttls.required", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case TLS -> {
                p.put("mail.smtp.ssl.enable", "true");
                p.put("mail.smtp.ssl.checkserveridentity", "true");
            }
            case NONE -> {
                // plain SMTP, as configured
            }
        }
        return p;
    }

    private void release(SmtpServer server, Pooled pooled) {
        if (pooled.sent() >= settings.messagesPerConnection()) {
            quietlyClose(pooled.transport());
            return;
        }
        idle.computeIfAbsent(ConnectionKey.of(server), key -> new ConcurrentLinkedDeque<>()).offerFirst(pooled);
    }

    private void closeIdle() {
        long cutoff = System.nanoTime() - settings.connectionIdleTimeout().toNanos();
        idle.forEach((server, pool) -> pool.removeIf(pooled -> {
            if (pooled.idleSince() < cutoff) {
                quietlyClose(pooled.transport());
                return true;
            }
            return false;
        }));
        idle.entrySet().removeIf(entry -> entry.getValue().isEmpty());
    }

    @PreDestroy
    void closeAll() {
        reaper.shutdownNow();
        idle.values().forEach(pool -> pool.forEach(pooled -> quietlyClose(pooled.transport())));
        idle.clear();
    }

    private static void quietlyClose(Transport transport) {
        try {
            transport.close();
        } catch (MessagingException e) {
            // QUIT failed: the connection is gone either way
        }
    }

    private record Pooled(Session session, Transport transport, int sent, long idleSince) {
    }

    private final class JakartaConnection implements MailConnection {
        private final Session session;
        private final Transport transport;
        private final SmtpServer server;
        private int sent;
        private boolean broken;

        JakartaConnection(Session session, Transport transport, SmtpServer server, int sent) {
            this.session = session;
            this.transport = transport;
            this.server = server;
            this.sent = sent;
        }

        @Override
        public void send(OutgoingEmail email) throws SmtpFailure {
            try {
                MimeMessage message = message(email);
                transport.sendMessage(message, message.getAllRecipients());
                sent++;
            } catch (MessagingException e) {
                broken = true;
                throw SmtpFailure.of(e);
            } catch (RuntimeException e) {
                broken = true;
                throw e;
            }
        }

        private MimeMessage message(OutgoingEmail email) throws MessagingException {
            String messageId = "<" + email.notificationId() + "@roster.notification>";
            MimeMessage message = new MimeMessage(session) {
                @Override
                protected void updateMessageID() throws MessagingException {
                    setHeader("Message-ID", messageId);
                }
            };
            try {
                message.setFrom(new InternetAddress(server.senderAddress(), server.senderName(), UTF_8));
            } catch (UnsupportedEncodingException e) {
                throw new IllegalStateException(e);
            }
            message.setRecipient(Message.RecipientType.TO, new InternetAddress(email.to(), true));
            message.setSubject(email.subject(), UTF_8);
            message.setSentDate(new Date());
            MimeBodyPart text = new MimeBodyPart();
            text.setText(email.text(), UTF_8, "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(email.html(), UTF_8, "html");
            message.setContent(new MimeMultipart("alternative", text, html));
            message.setHeader("Auto-Submitted", "auto-generated");
            message.setHeader(NOTIFICATION_ID_HEADER, email.notificationId().toString());
            if (email.traceparent() != null) {
                message.setHeader("traceparent", email.traceparent());
            }
            message.saveChanges();
            return message;
        }

        @Override
        public void close() {
            if (broken) {
                quietlyClose(transport);
            } else {
                release(server, new Pooled(session, transport, sent, System.nanoTime()));
            }
        }
    }
}

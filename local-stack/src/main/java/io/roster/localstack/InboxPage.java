package io.roster.localstack;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mail catcher's web page: {@code /} lists every received message newest first, {@code /messages/<mailbox>/<uid>}
 * shows one (plain-text part escaped, HTML part in a sandboxed iframe without scripts, and its links), and
 * {@code .../raw} its MIME source as text.
 */
final class InboxPage implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InboxPage.class);
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final Pattern TEXT_LINK = Pattern.compile("https?://[^\\s<>\"']+");
    private static final Pattern HTML_LINK = Pattern.compile("href\\s*=\\s*[\"'](https?://[^\"']+)[\"']",
            Pattern.CASE_INSENSITIVE);
    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            + "frame-src 'self'; form-action 'none'; frame-ancestors 'none'";
    private static final String STYLE = "<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4em .6em;"
            + "border-bottom:1px solid #ddd;vertical-align:top}tr:hover{background:#f6f6f6}"
            + "pre{white-space:pre-wrap;background:#f6f6f6;padding:1em;border-radius:4px}"
            + "iframe{width:100%;height:32em;border:1px solid #ddd}.muted{color:#777}</style>";

    private final HttpServer server;
    private final ExecutorService executor;
    private final MailCatcher mail;

    private InboxPage(HttpServer server, ExecutorService executor, MailCatcher mail) {
        this.server = server;
        this.executor = executor;
        this.mail = mail;
    }

    static InboxPage start(String host, int port, MailCatcher mail) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "inbox-page");
            thread.setDaemon(true);
            return thread;
        });
        InboxPage page = new InboxPage(server, executor, mail);
        server.createContext("/", page::handle);
        server.setExecutor(executor);
        server.start();
        return page;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException | MessagingException e) {
            log.warn("inbox page failed on {}", exchange.getRequestURI(), e);
            send(exchange, 500, "text/plain", "cannot render this page: " + e.getMessage());
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange) throws IOException, MessagingException {
        if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            send(exchange, 405, "text/plain", "method not allowed");
            return;
        }
        String path = exchange.getRequestURI().getRawPath();
        if (path.equals("/")) {
            send(exchange, 200, "text/html", listPage());
            return;
        }
        String[] segments = path.split("/");
        // "", "messages", <mailbox>, <uid> [, "raw"]
        if (segments.length >= 4 && segments.length <= 5 && segments[1].equals("messages")
                && (segments.length == 4 || segments[4].equals("raw"))) {
            Optional<MailCatcher.Delivered> message = parseUid(segments[3])
                    .flatMap(uid -> mail.message(URLDecoder.decode(segments[2], StandardCharsets.UTF_8), uid));
            if (message.isEmpty()) {
                send(exchange, 404, "text/html", page("Not found", "<p>No such message. <a href=\"/\">Inbox</a></p>"));
            } else if (segments.length == 5) {
                send(exchange, 200, "text/plain", raw(message.get().message().getMimeMessage()));
            } else {
                send(exchange, 200, "text/html", messagePage(message.get()));
            }
            return;
        }
        send(exchange, 404, "text/html", page("Not found", "<p>Nothing here. <a href=\"/\">Inbox</a></p>"));
    }

    private String listPage() throws MessagingException {
        List<MailCatcher.Delivered> messages = mail.messages();
        StringBuilder body = new StringBuilder()
                .append("<p class=\"muted\">").append(messages.size()).append(messages.size() == 1 ? " message" : " messages")
                .append(", newest first. IMAP: log in with the address as user and password. This page reloads every 10 s.</p>");
        if (!messages.isEmpty()) {
            body.append("<table><thead><tr><th>Received</th><th>To</th><th>From</th><th>Subject</th></tr></thead><tbody>");
            for (MailCatcher.Delivered delivered : messages) {
                MimeMessage message = delivered.message().getMimeMessage();
                body.append("<tr><td>").append(escape(time(delivered.message().getReceivedDate())))
                        .append("</td><td>").append(escape(recipients(message, delivered.mailbox())))
                        .append("</td><td>").append(escape(addresses(message.getFrom())))
                        .append("</td><td><a href=\"").append(escape(link(delivered))).append("\">")
                        .append(escape(subject(message))).append("</a></td></tr>");
            }
            body.append("</tbody></table>");
        }
        return page("Inbox", body.toString()).replace("<head>", "<head><meta http-equiv=\"refresh\" content=\"10\">");
    }

    private String messagePage(MailCatcher.Delivered delivered) throws MessagingException {
        MimeMessage message = delivered.message().getMimeMessage();
        Parts parts = new Parts();
        try {
            collect(message, parts);
        } catch (IOException e) {
            parts.problems.add("cannot read the body: " + e.getMessage());
        }
        StringBuilder body = new StringBuilder("<p><a href=\"/\">&larr; Inbox</a> · <a href=\"")
                .append(escape(link(delivered))).append("/raw\">MIME source</a></p><table>");
        row(body, "Received", time(delivered.message().getReceivedDate()));
        row(body, "Mailbox", delivered.mailbox());
        row(body, "From", addresses(message.getFrom()));
        row(body, "To", addresses(message.getRecipients(Message.RecipientType.TO)));
        if (message.getRecipients(Message.RecipientType.CC) != null) {
            row(body, "Cc", addresses(message.getRecipients(Message.RecipientType.CC)));
        }
        row(body, "Subject", subject(message));
        if (!parts.attachments.isEmpty()) {
            row(body, "Attachments", String.join(", ", parts.attachments));
        }
        body.append("</table>");

        Set<String> links = new LinkedHashSet<>();
        if (parts.text != null) {
            Matcher matcher = TEXT_LINK.matcher(parts.text);
            while (matcher.find()) {
                links.add(matcher.group());
            }
        }
        if (parts.html != null) {
            Matcher matcher = HTML_LINK.matcher(parts.html);
            while (matcher.find()) {
                links.add(matcher.group(1).replace("&amp;", "&"));
            }
        }
        if (!links.isEmpty()) {
            body.append("<h2>Links</h2><ul>");
            for (String url : links) {
                body.append("<li><a href=\"").append(escape(url))
                        .append("\" target=\"_blank\" rel=\"noopener noreferrer\">").append(escape(url)).append("</a></li>");
            }
            body.append("</ul>");
        }
        if (parts.html != null) {
            // srcdoc inherits this page's CSP; the sandbox forbids scripts, forms and same-origin access.
            String document = "<base target=\"_blank\">" + parts.html;
            body.append("<h2>HTML part</h2><iframe sandbox=\"allow-popups allow-popups-to-escape-sandbox\" ")
                    .append("referrerpolicy=\"no-referrer\" srcdoc=\"").append(escape(document)).append("\"></iframe>");
        }
        if (parts.text != null) {
            body.append("<h2>Text part</h2><pre>").append(escape(parts.text)).append("</pre>");
        }
        if (parts.html == null && parts.text == null) {
            body.append("<p class=\"muted\">No text or HTML part.</p>");
        }
        for (String problem : parts.problems) {
            body.append("<p class=\"muted\">").append(escape(problem)).append("</p>");
        }
        return page(subject(message), body.toString());
    }

    private static final class Parts {
        String text;
        String html;
        final List<String> attachments = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
    }

    private static void collect(Part part, Parts parts) throws MessagingException, IOException {
        boolean attachment = Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition()) || part.getFileName() != null;
        if (!attachment && part.isMimeType("text/plain") && parts.text == null) {
            parts.text = String.valueOf(part.getContent());
        } else if (!attachment && part.isMimeType("text/html") && parts.html == null) {
            parts.html = String.valueOf(part.getContent());
        } else if (part.isMimeType("multipart/*") && part.getContent() instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                collect(multipart.getBodyPart(i), parts);
            }
        } else {
            String name = part.getFileName() != null ? part.getFileName() : "(unnamed)";
            parts.attachments.add(name + " (" + part.getContentType().split(";")[0] + ")");
        }
    }

    private static String raw(MimeMessage message) throws MessagingException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            message.writeTo(bytes);
        } catch (IOException e) {
            return "cannot write the message: " + e.getMessage();
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void row(StringBuilder body, String name, String value) {
        body.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(value)).append("</td></tr>");
    }

    private static String link(MailCatcher.Delivered delivered) {
        return "/messages/" + URLEncoder.encode(delivered.mailbox(), StandardCharsets.UTF_8).replace("+", "%20")
                + "/" + delivered.message().getUid();
    }

    private static Optional<Long> parseUid(String value) {
        try {
            return Optional.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String time(Date date) {
        return date == null ? "" : TIME.format(date.toInstant());
    }

    private static String subject(MimeMessage message) throws MessagingException {
        String subject = message.getSubject();
        return subject == null || subject.isBlank() ? "(no subject)" : subject;
    }

    private static String recipients(MimeMessage message, String mailbox) throws MessagingException {
        String to = addresses(message.getRecipients(Message.RecipientType.TO));
        return to.toLowerCase(Locale.ROOT).contains(mailbox.toLowerCase(Locale.ROOT)) ? to : to + " (delivered to " + mailbox + ")";
    }

    private static String addresses(Address[] addresses) {
        if (addresses == null) {
            return "";
        }
        return Arrays.stream(addresses)
                .map(address -> address instanceof InternetAddress internet ? internet.toUnicodeString() : address.toString())
                .collect(Collectors.joining(", "));
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
                + " · Roster mail catcher</title>" + STYLE + "</head><body><h1>" + escape(title) + "</h1>"
                + body + "</body></html>";
    }

    /** HTML-escapes text for element content and double- or single-quoted attribute values. */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
        exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

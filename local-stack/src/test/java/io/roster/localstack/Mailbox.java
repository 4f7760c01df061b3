package io.roster.localstack;

import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An address's inbox on the mail catcher, read over IMAP (user = password = the address), as an invitee reads it. */
final class Mailbox {

    private static final Pattern INVITE_LINK = Pattern.compile("https?://[\\w.:-]+/invite/[\\w-]+");

    private Mailbox() {
    }

    /** One message of an inbox: its subject and its plain-text part(s). */
    record Email(String subject, String plainText) {
    }

    /** Every message in the inbox, oldest first; any address logs in, one that never received mail sees none. */
    static List<Email> inbox(Ports ports, String address) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", ports.imap(), address, address);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                List<Email> emails = new ArrayList<>();
                for (Message message : inbox.getMessages()) {
                    emails.add(new Email(message.getSubject(), plainText(message)));
                }
                return emails;
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    /**
     * The notification id (header {@code X-Roster-Notification-Id}, derived from the triggering event's id) of every
     * message in the inbox, oldest first; a message without one counts as {@code "(none)"}.
     */
    static List<String> notificationIds(Ports ports, String address) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", ports.imap(), address, address);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                List<String> ids = new ArrayList<>();
                for (Message message : inbox.getMessages()) {
                    String[] values = message.getHeader("X-Roster-Notification-Id");
                    ids.add(values == null || values.length == 0 ? "(none)" : values[0].trim());
                }
                return ids;
            } finally {
                inbox.close(false);
            }
        } finally {
            store.close();
        }
    }

    /** The subjects of the inbox's messages, oldest first. */
    static List<String> subjects(Ports ports, String address) throws Exception {
        return inbox(ports, address).stream().map(Email::subject).toList();
    }

    /** The plain-text part of every message in the inbox, oldest first. */
    static List<String> plainTexts(Ports ports, String address) throws Exception {
        return inbox(ports, address).stream().map(Email::plainText).toList();
    }

    /** The plain text of the first message whose subject mentions {@code words}, if it arrived. */
    static Optional<String> plainTextAbout(Ports ports, String address, String words) throws Exception {
        return inbox(ports, address).stream()
                .filter(email -> email.subject() != null && email.subject().contains(words))
                .map(Email::plainText)
                .findFirst();
    }

    /** The /invite/{token} links of the inbox's messages, oldest first (one per invitation email). */
    static List<String> inviteLinks(Ports ports, String address) throws Exception {
        List<String> links = new ArrayList<>();
        for (String text : plainTexts(ports, address)) {
            Matcher matcher = INVITE_LINK.matcher(text);
            if (matcher.find()) {
                links.add(matcher.group());
            }
        }
        return links;
    }

    static String tokenOf(String inviteLink) {
        return inviteLink.substring(inviteLink.lastIndexOf('/') + 1);
    }

    private static String plainText(Part part) throws Exception {
        if (part.isMimeType("text/plain")) {
            return part.getContent().toString();
        }
        if (part.getContent() instanceof Multipart multipart) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart body = multipart.getBodyPart(i);
                text.append(plainText(body));
            }
            return text.toString();
        }
        return "";
    }
}

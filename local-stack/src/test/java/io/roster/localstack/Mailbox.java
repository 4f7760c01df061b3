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
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An address's inbox on the mail catcher, read over IMAP (user = password = the address), as an invitee reads it. */
final class Mailbox {

    private static final Pattern INVITE_LINK = Pattern.compile("https?://[\\w.:-]+/invite/[\\w-]+");

    private Mailbox() {
    }

    /** The plain-text part of every message in the inbox, oldest first. */
    static List<String> plainTexts(Ports ports, String address) throws Exception {
        Store store = Session.getInstance(new Properties()).getStore("imap");
        store.connect("127.0.0.1", ports.imap(), address, address);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<String> texts = new ArrayList<>();
            for (Message message : inbox.getMessages()) {
                texts.add(plainText(message));
            }
            inbox.close(false);
            return texts;
        } finally {
            store.close();
        }
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

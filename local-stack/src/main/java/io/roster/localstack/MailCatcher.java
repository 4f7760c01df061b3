package io.roster.localstack;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GreenMail as the local mail catcher: SMTP and IMAP on loopback, plus the inbox web page.
 *
 * <p>Authentication is disabled, so every mailbox logs in over IMAP with its address as user (and, by
 * convention, as password; any password is accepted). Mail is kept in memory: a restart empties the mailboxes.
 */
final class MailCatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MailCatcher.class);

    private final GreenMail greenMail;
    private InboxPage inboxPage;

    private MailCatcher(GreenMail greenMail) {
        this.greenMail = greenMail;
    }

    static MailCatcher start(int smtpPort, int imapPort, int inboxPort) throws IOException {
        GreenMail greenMail = new GreenMail(new ServerSetup[] {
                new ServerSetup(smtpPort, KafkaBroker.HOST, ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(imapPort, KafkaBroker.HOST, ServerSetup.PROTOCOL_IMAP)})
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        try {
            greenMail.start();
        } catch (RuntimeException e) {
            greenMail.stop();
            throw new StartupException("GreenMail cannot start on SMTP " + smtpPort + " / IMAP " + imapPort + ": "
                    + e.getMessage(), e);
        }
        MailCatcher catcher = new MailCatcher(greenMail);
        try {
            catcher.inboxPage = InboxPage.start(KafkaBroker.HOST, inboxPort, catcher);
        } catch (IOException | RuntimeException e) {
            greenMail.stop();
            throw new StartupException("the inbox page cannot listen on " + KafkaBroker.HOST + ":" + inboxPort + ": "
                    + e.getMessage(), e);
        }
        log.info("GreenMail: SMTP {}:{}, IMAP {}:{}, inbox http://{}:{}", KafkaBroker.HOST, smtpPort,
                KafkaBroker.HOST, imapPort, KafkaBroker.HOST, inboxPort);
        return catcher;
    }

    /** One delivered copy of a message: the mailbox it landed in and its IMAP uid there. */
    record Delivered(String mailbox, StoredMessage message) {
    }

    /** Every delivered message of every mailbox, newest first. */
    List<Delivered> messages() {
        ImapHostManager imap = greenMail.getManagers().getImapHostManager();
        List<Delivered> all = new ArrayList<>();
        for (GreenMailUser user : greenMail.getUserManager().listUser()) {
            try {
                for (StoredMessage message : imap.getInbox(user).getMessages()) {
                    all.add(new Delivered(user.getLogin(), message));
                }
            } catch (FolderException e) {
                log.warn("cannot read the inbox of {}: {}", user.getLogin(), e.getMessage());
            }
        }
        all.sort(Comparator.comparing((Delivered d) -> d.message().getReceivedDate()).reversed()
                .thenComparing(Comparator.comparingLong((Delivered d) -> d.message().getUid()).reversed()));
        return all;
    }

    Optional<Delivered> message(String mailbox, long uid) {
        GreenMailUser user = greenMail.getUserManager().getUser(mailbox);
        if (user == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(greenMail.getManagers().getImapHostManager().getInbox(user).getMessage(uid))
                    .map(message -> new Delivered(user.getLogin(), message));
        } catch (FolderException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        if (inboxPage != null) {
            inboxPage.close();
        }
        greenMail.stop();
        log.info("GreenMail and the inbox page stopped");
    }
}

package io.roster.console;

import org.springframework.web.server.WebSession;

/**
 * What the console keeps in a person's WebSession besides who they are: the last change's Consistency-Token, which
 * the next read sends back so the table shows that change at once, and a one-time notice for the next page.
 */
final class ConsoleSession {

    private static final String CONSISTENCY_TOKEN = "roster.console.consistency-token";
    private static final String NOTICE = "roster.console.notice";

    private ConsoleSession() {}

    static SignedInUser user(WebSession session) {
        return session.getAttribute(SignedInUser.SESSION_ATTRIBUTE);
    }

    static void rememberChange(WebSession session, String consistencyToken) {
        if (consistencyToken != null) {
            session.getAttributes().put(CONSISTENCY_TOKEN, consistencyToken);
        }
    }

    /** The token of the last change, kept: each table read after a change waits for it (a no-op once it shows). */
    static String lastChange(WebSession session) {
        return session.getAttribute(CONSISTENCY_TOKEN);
    }

    static void notice(WebSession session, String text) {
        session.getAttributes().put(NOTICE, text);
    }

    static String takeNotice(WebSession session) {
        Object text = session.getAttributes().remove(NOTICE);
        return text == null ? null : text.toString();
    }
}

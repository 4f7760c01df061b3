package io.roster.console;

import java.util.Map;
import java.util.function.Function;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * What the console keeps in a person's WebSession besides who they are: the last change's Consistency-Token, which
 * the next read sends back so the table shows that change at once, a one-time notice for the next page, and the token
 * renewal under way.
 */
final class ConsoleSession {

    private static final String CONSISTENCY_TOKEN = "roster.console.consistency-token";
    private static final String NOTICE = "roster.console.notice";
    private static final String RENEWAL = "roster.console.renewal";

    private ConsoleSession() {}

    static SignedInUser user(WebSession session) {
        return session.getAttribute(SignedInUser.SESSION_ATTRIBUTE);
    }

    /**
     * One renewal per session at a time: the first request whose token is due starts {@code renewal} (given the
     * session's user of that moment) and every request arriving while it runs waits for the same outcome, the new user or
     * the session's end, instead of renewing again. The session attributes are a concurrent map (the in-memory
     * WebSession, never serialized), so only one request puts the renewal in; it is taken out once it has finished.
     */
    @SuppressWarnings("unchecked")
    static Mono<SignedInUser> renewOnce(WebSession session, Function<SignedInUser, Mono<SignedInUser>> renewal) {
        Map<String, Object> attributes = session.getAttributes();
        return (Mono<SignedInUser>) attributes.computeIfAbsent(RENEWAL, key -> Mono.defer(() -> renewal.apply(user(session)))
                .doFinally(signal -> attributes.remove(RENEWAL))
                .cache());
    }

    /** Replaces the session's user by the renewed one, unless the session changed hands meanwhile (signed out). */
    static boolean replaceUser(WebSession session, SignedInUser before, SignedInUser after) {
        return session.getAttributes().replace(SignedInUser.SESSION_ATTRIBUTE, before, after);
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

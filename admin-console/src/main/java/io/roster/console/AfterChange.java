package io.roster.console;

import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * What every page does after the API accepted a change: keep the change's Consistency-Token for the next reads (so
 * the table shows the change at once), leave a notice, and send the browser back to the page (POST-redirect-GET).
 * And after a refusal: answer with the API's status, so the page that shows the message is not a 200.
 */
final class AfterChange {

    private AfterChange() {}

    static Mono<String> redirect(ServerWebExchange exchange, ApiAnswer answer, String notice, String path) {
        return exchange.getSession().map(session -> {
            ConsoleSession.rememberChange(session, answer.consistencyToken());
            ConsoleSession.notice(session, notice);
            return "redirect:" + path;
        });
    }

    static void refusedWith(ServerWebExchange exchange, ApiProblem problem) {
        exchange.getResponse().setStatusCode(HttpStatus.valueOf(problem.status()));
    }

    /** Ids go into API paths: only UUIDs are passed on. */
    static boolean isId(String value) {
        return value != null && value.matches("[0-9a-fA-F-]{36}");
    }
}

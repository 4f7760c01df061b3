package io.roster.console;

import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/** What every page gets: the CSRF token for its forms, who is signed in, and a notice left by the last action. */
@ControllerAdvice
class PageModel {

    @ModelAttribute("csrf")
    Mono<CsrfToken> csrf(ServerWebExchange exchange) {
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        return token == null ? Mono.empty() : token;
    }

    @ModelAttribute("user")
    SignedInUser user(WebSession session) {
        return ConsoleSession.user(session);
    }

    @ModelAttribute("notice")
    String notice(WebSession session) {
        return ConsoleSession.takeNotice(session);
    }

    /** The API no longer takes the session's token (revoked by a password change, say): sign in again. */
    @ExceptionHandler(SessionEndedException.class)
    Mono<Void> sessionEnded(ServerWebExchange exchange) {
        return exchange.getSession().flatMap(WebSession::invalidate)
                .then(SessionGate.sendTo(exchange, "/console/sign-in?ended=true"));
    }
}

package io.roster.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * Every page but sign-in and the static files needs a signed-in session whose token is still good for a while. A
 * request whose token expires within the renewal window first renews it (identity's {@code /api/v1/auth/token/renew},
 * one renewal per session at a time: see {@link ConsoleSession#renewOnce}) and the page is served with the new token.
 * When identity refuses (401: the token revoked, the account deleted, the session older than identity's maximum age)
 * the session ends at once; when identity cannot be reached the old token serves until the end margin. A session whose
 * token is within that margin of its expiry ends, and the sign-in page says why ("your session ended") instead of a
 * half-done action failing.
 * <p>
 * The session id is not changed at a renewal (it is at sign-in): the in-memory session store forgets the old id at
 * once, so the person's other requests under way (htmx loads a page's parts in parallel) would find no session.
 */
@Component
@Order(0)
class SessionGate implements WebFilter {

    private static final String PAGES = "/console";
    private static final List<String> PUBLIC_PREFIXES = List.of("/console/sign-in", "/console/webjars/", "/console/assets/");

    private static final Logger log = LoggerFactory.getLogger(SessionGate.class);

    private final ConsoleProperties properties;
    private final RosterApi api;
    private final ObjectMapper json;
    private final Clock clock;

    SessionGate(ConsoleProperties properties, RosterApi api, ObjectMapper json) {
        this.properties = properties;
        this.api = api;
        this.json = json;
        this.clock = Clock.systemUTC();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        // the actuator (probes) and anything that is no page of the console pass; so do sign-in and the static files
        if (!path.startsWith(PAGES) || PUBLIC_PREFIXES.stream().anyMatch(path::startsWith)) {
            return chain.filter(exchange);
        }
        return exchange.getSession().flatMap(session -> {
            SignedInUser user = ConsoleSession.user(session);
            if (user == null) {
                return sendTo(exchange, "/console/sign-in");
            }
            if (!renewalDue(user)) {
                return chain.filter(exchange);
            }
            return ConsoleSession.renewOnce(session, current -> renew(session, current))
                    .flatMap(current -> usable(current) ? chain.filter(exchange) : end(session, exchange))
                    .onErrorResume(SessionEndedException.class, e -> end(session, exchange));
        });
    }

    private boolean renewalDue(SignedInUser user) {
        return !clock.instant().isBefore(user.expiresAt().minus(properties.renewalWindow()));
    }

    /** Good for more than the end margin: a page may be served with it. */
    private boolean usable(SignedInUser user) {
        return clock.instant().isBefore(user.expiresAt().minus(properties.sessionEndMargin()));
    }

    /**
     * The session's user with a renewed token; the same user when another request renewed it meanwhile or identity
     * could not answer (the end margin decides then); a {@link SessionEndedException} when identity refused.
     */
    private Mono<SignedInUser> renew(WebSession session, SignedInUser user) {
        if (user == null) {
            return Mono.error(new SessionEndedException());
        }
        if (!renewalDue(user)) {
            return Mono.just(user);
        }
        Instant asked = clock.instant();
        return api.renewToken(user.accessToken()).map(answer -> {
            if (!answer.ok()) {
                log.warn("renewing the token of {} failed with {}; the session goes on until its end margin", user, answer.status());
                return user;
            }
            SignedInUser renewed;
            try {
                renewed = SignedInUser.fromToken(answer.body().path("accessToken").asText(),
                        answer.body().path("expiresIn").asLong(), asked, json);
            } catch (IOException | IllegalArgumentException e) {
                log.warn("identity renewed {} with a token the console cannot read: {}", user, e.toString());
                return user;
            }
            if (!ConsoleSession.replaceUser(session, user, renewed)) {
                // signed out (or in again) while the renewal ran: the session is no longer this user's
                throw new SessionEndedException();
            }
            log.info("renewed the token of {}", renewed);
            return renewed;
        });
    }

    private static Mono<Void> end(WebSession session, ServerWebExchange exchange) {
        return session.invalidate().then(sendTo(exchange, "/console/sign-in?ended=true"));
    }

    /**
     * A redirect a browser and htmx both follow: htmx would swap a plain redirect's page into the element it was
     * updating, so it gets {@code HX-Redirect} and loads the whole page instead.
     */
    static Mono<Void> sendTo(ServerWebExchange exchange, String path) {
        String location = exchange.getRequest().getPath().contextPath().value() + path;
        ServerHttpResponse response = exchange.getResponse();
        if (exchange.getRequest().getHeaders().containsKey("HX-Request")) {
            response.setStatusCode(HttpStatus.OK);
            response.getHeaders().set("HX-Redirect", location);
        } else {
            response.setStatusCode(HttpStatus.SEE_OTHER);
            response.getHeaders().set("Location", location);
        }
        return response.setComplete();
    }
}

package io.roster.console;

import java.time.Clock;
import java.util.List;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every page but sign-in and the static files needs a signed-in session whose token is still good for a while.
 * Identity issues no refresh token, so a session cannot be renewed without the password: it ends a margin before its
 * token expires, and the sign-in page says why ("your session ended") instead of a half-done action failing.
 */
@Component
@Order(0)
class SessionGate implements WebFilter {

    private static final String PAGES = "/console";
    private static final List<String> PUBLIC_PREFIXES = List.of("/console/sign-in", "/console/webjars/", "/console/assets/");

    private final ConsoleProperties properties;
    private final Clock clock;

    SessionGate(ConsoleProperties properties) {
        this.properties = properties;
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
            if (!clock.instant().isBefore(user.expiresAt().minus(properties.sessionEndMargin()))) {
                return session.invalidate().then(sendTo(exchange, "/console/sign-in?ended=true"));
            }
            return chain.filter(exchange);
        });
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

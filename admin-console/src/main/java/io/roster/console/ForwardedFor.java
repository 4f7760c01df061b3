package io.roster.console;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The console calls the services on a browser's behalf, so to their per-address rate limits (identity's wrong
 * passwords per client address, above all) it is a proxy: every call it makes while handling a browser's request
 * carries {@code X-Forwarded-For}, that request's own chain (if any) followed by the address its connection came from,
 * the hop the console saw, as any proxy appends it. Without it every console user shares the console's one address
 * there, and one person's wrong passwords lock the console's sign-in for everybody.
 * <p>
 * The console believes none of it: the browser's chain is passed on as it came, to the left of the connection's
 * address, and the services decide what to believe, walking the header from the right only through their trusted
 * proxies ({@code ROSTER_RATE_LIMITS_TRUSTED_PROXIES}). For the same reason the console never lets the server take the
 * header for the connection's address ({@code server.forward-headers-strategy: none} in application.yml; Spring Boot
 * would on Kubernetes).
 * <p>
 * This filter puts the chain into the Reactor context of the request's handling; {@link #onEveryCall()}, the one
 * filter of {@link RosterApi}'s WebClient, writes it on every call made within it (the sign-in, a renewal, every page's
 * reads and changes).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class ForwardedFor implements WebFilter {

    static final String HEADER = "X-Forwarded-For";
    /** Hops of the browser's own chain passed on: more than any real chain of proxies in front of the console. */
    static final int MAX_RECEIVED_HOPS = 10;
    private static final Class<ForwardedFor> CONTEXT_KEY = ForwardedFor.class;

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String forwarded = chainOf(exchange.getRequest());
        return forwarded == null ? chain.filter(exchange)
                : chain.filter(exchange).contextWrite(context -> context.put(CONTEXT_KEY, forwarded));
    }

    /**
     * The request's {@code X-Forwarded-For} with the connection's address appended; null when the connection has no
     * address (nothing is forwarded then: the browser's chain alone would let it name its own address).
     */
    static String chainOf(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null || remote.getAddress() == null) {
            return null;
        }
        List<String> hops = new ArrayList<>();
        request.getHeaders().getOrEmpty(HEADER).forEach(header -> Arrays.stream(header.split(","))
                .map(String::trim).filter(hop -> !hop.isEmpty()).forEach(hops::add));
        // only the right end matters to the services (they walk it from there through their trusted proxies); a browser
        // that sends a thousand hops must not make every call it causes too big for the services' header limit
        List<String> kept = new ArrayList<>(hops.subList(Math.max(0, hops.size() - MAX_RECEIVED_HOPS), hops.size()));
        kept.add(remote.getAddress().getHostAddress());
        return String.join(", ", kept);
    }

    /** Writes the chain of the request being handled (if any) on a call to the services. */
    static ExchangeFilterFunction onEveryCall() {
        return (call, next) -> Mono.deferContextual(context -> next.exchange(context.<String>getOrEmpty(CONTEXT_KEY)
                .map(forwarded -> ClientRequest.from(call).headers(headers -> headers.set(HEADER, forwarded)).build())
                .orElse(call)));
    }
}

package io.roster.kit.web;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * When the public origin is HTTPS ({@link TransportSecurity#https()}): {@code Strict-Transport-Security} on every
 * response, and the exchange marked so that cookies are {@code Secure} ({@link TransportSecurity#secureCookies}).
 * Spring Security's own HSTS writer only acts on requests that arrived over TLS, which behind a TLS-terminating proxy
 * none do.
 */
public class StrictTransportSecurityFilter implements WebFilter, Ordered {

    private final TransportSecurity settings;
    private final String header;

    public StrictTransportSecurityFilter(TransportSecurity settings) {
        this.settings = settings;
        this.header = "max-age=" + settings.hstsMaxAge().toSeconds() + "; includeSubDomains";
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (settings.https()) {
            exchange.getAttributes().put(TransportSecurity.HTTPS_ATTRIBUTE, Boolean.TRUE);
            exchange.getResponse().getHeaders().set("Strict-Transport-Security", header);
        }
        return chain.filter(exchange);
    }
}

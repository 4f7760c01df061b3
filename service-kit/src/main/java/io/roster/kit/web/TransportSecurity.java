package io.roster.kit.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.web.server.ServerWebExchange;

import java.time.Duration;

/**
 * {@code roster.security.*}: whether the public origin is HTTPS (TLS usually ends at a proxy in front of the
 * service, so the request's own scheme cannot tell). When it is, every response carries
 * {@code Strict-Transport-Security} and every cookie is {@code Secure}.
 *
 * @param https      the public origin is HTTPS ({@code ROSTER_HTTPS}; on in docker-compose and k8s, off in the local stack)
 * @param hstsMaxAge how long browsers remember to use HTTPS only
 */
@ConfigurationProperties("roster.security")
public record TransportSecurity(@DefaultValue("false") boolean https, @DefaultValue("P365D") Duration hstsMaxAge) {

    /** Set on every exchange when {@link #https()} is on (see {@link StrictTransportSecurityFilter}). */
    public static final String HTTPS_ATTRIBUTE = TransportSecurity.class.getName() + ".https";

    /** Whether cookies of this exchange must be {@code Secure}: the public origin is HTTPS, or this request came over TLS. */
    public static boolean secureCookies(ServerWebExchange exchange) {
        return Boolean.TRUE.equals(exchange.getAttribute(HTTPS_ATTRIBUTE))
                || "https".equalsIgnoreCase(exchange.getRequest().getURI().getScheme());
    }
}

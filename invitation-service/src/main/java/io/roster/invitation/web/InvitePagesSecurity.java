package io.roster.invitation.web;

import io.roster.kit.web.TransportSecurity;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/**
 * The browser pages under {@code /invite}, and those of the account emails' links ({@code /verify-email},
 * {@code /account-setup}, {@code /password-reset}, see {@link AccountLinkPages}), get their own security chain, ahead of the kit's
 * bearer-token chain:
 * anyone may open them (the pages themselves tell a logged-in visitor from a stranger, see {@link PageSession}),
 * and since the session rides in a cookie, every POST must carry the CSRF token the page was rendered with
 * (Spring Security's double-submit cookie, HttpOnly, so no script reads it; the page holds a masked copy), on top
 * of the cookies' SameSite=Lax. The headers keep the pages (whose URL holds a token) out of frames,
 * caches and Referer headers, and let scripts talk only to this service and the identity service.
 */
@Configuration
class InvitePagesSecurity {

    static final String CSRF_COOKIE = "roster_invite_csrf";

    private static final byte[] CSRF_REFUSED_PAGE = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Please try again</title>
            <link rel="stylesheet" href="/invite/assets/invite.css"></head>
            <body><main class="card"><h1>Please try again</h1>
            <p id="problem-code" data-code="csrf_refused">This form has expired or did not come from this page.
            Go back, reload the page and send it again.</p></main></body></html>
            """.getBytes(StandardCharsets.UTF_8);

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain invitePages(ServerHttpSecurity http, InvitePagesProperties properties, TransportSecurity transport) {
        CookieServerCsrfTokenRepository csrfTokens = new CookieServerCsrfTokenRepository();
        csrfTokens.setCookieName(CSRF_COOKIE);
        csrfTokens.setCookiePath(InviteCookies.PATH);
        csrfTokens.setCookieCustomizer(cookie -> {
            cookie.sameSite("Lax");
            if (transport.https()) {
                cookie.secure(true); // behind a TLS-terminating proxy the request itself looks like plain http
            }
        });
        return http
                .securityMatcher(ServerWebExchangeMatchers.pathMatchers("/invite", "/invite/**", "/verify-email", "/account-setup",
                        "/password-reset"))
                .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .csrf(csrf -> csrf.csrfTokenRepository(csrfTokens).accessDeniedHandler(csrfRefused()))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(contentSecurityPolicy(properties)))
                        .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.NO_REFERRER)))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .build();
    }

    static String contentSecurityPolicy(InvitePagesProperties properties) {
        return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' "
                + properties.identityOrigin() + "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    }

    /** A page, not a bare 403: the visitor only needs to reload the form. */
    private static ServerAccessDeniedHandler csrfRefused() {
        return (exchange, denied) -> {
            var response = exchange.getResponse();
            response.setStatusCode(HttpStatus.FORBIDDEN);
            response.getHeaders().setContentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8));
            DataBuffer body = response.bufferFactory().wrap(CSRF_REFUSED_PAGE);
            return response.writeWith(Mono.just(body));
        };
    }
}

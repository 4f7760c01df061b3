package io.roster.console;

import java.nio.charset.StandardCharsets;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.csrf.XorServerCsrfTokenRequestAttributeHandler;
import reactor.core.publisher.Mono;

/**
 * Spring Security guards the console's forms, not its people: CSRF protection on every state-changing request (the
 * token lives in the WebSession; forms carry it as {@code _csrf}, htmx requests as the {@code X-CSRF-TOKEN} header)
 * and the default security headers. Who is signed in is {@link SessionGate}'s concern, and what they may do is the
 * API's: the console passes the person's own token, so a forged request gains nothing the API would not refuse.
 */
@Configuration
class SecurityConfiguration {

    @Bean
    SecurityWebFilterChain consoleSecurity(ServerHttpSecurity http) {
        return http
                .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .csrf(csrf -> csrf.accessDeniedHandler(readableCsrfRefusal()).csrfTokenRequestHandler(multipartTokens()))
                .build();
    }

    /**
     * The default handler (the token masked against BREACH), reading the {@code _csrf} field of a multipart form too:
     * the bulk CSV upload is one, and works without script.
     */
    private static XorServerCsrfTokenRequestAttributeHandler multipartTokens() {
        XorServerCsrfTokenRequestAttributeHandler handler = new XorServerCsrfTokenRequestAttributeHandler();
        handler.setTokenFromMultipartDataEnabled(true);
        return handler;
    }

    /** A missing or stale CSRF token (a form left open past its session, a forged post): a page that says so. */
    private static ServerAccessDeniedHandler readableCsrfRefusal() {
        return (exchange, denied) -> {
            String home = exchange.getRequest().getPath().contextPath().value() + "/console/";
            String page = """
                    <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Refused · Roster console</title></head>
                    <body><main id="main"><h1 id="error-title">This request was refused</h1>
                    <p id="csrf-refused">The form's security token is missing or no longer valid (the form was open too long,
                    or the request did not come from the console's own page). Reload the page and try again.</p>
                    <p><a href="%s">Back to the console</a></p></main></body></html>""".formatted(home);
            exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
            exchange.getResponse().getHeaders().setContentType(MediaType.TEXT_HTML);
            DataBuffer body = exchange.getResponse().bufferFactory().wrap(page.getBytes(StandardCharsets.UTF_8));
            return exchange.getResponse().writeWith(Mono.just(body));
        };
    }
}

package io.roster.identity.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsConfigurationSource;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

import java.time.Duration;
import java.util.List;

/**
 * The pages that log visitors in, sign them up, verify their address and set up their account are served by the
 * invitation service (its {@code /invite} pages, {@code /verify-email}, {@code /account-setup} and
 * {@code /password-reset}), on another origin; their scripts call those endpoints here. Those endpoints ({@link #PATHS}), and only they, answer
 * cross-origin requests from the configured origins ({@code ROSTER_BROWSER_ORIGINS}, comma-separated), without
 * credentials: the scripts send none, and the token comes back in the body.
 *
 * <p>The kit's security chain picks this {@link CorsConfigurationSource} bean up by itself (Spring Security's
 * CORS filter runs before authentication), so a preflight is answered before any token is asked for, and
 * refusals such as {@code invalid_credentials} carry the CORS headers the script needs to read them.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BrowserOrigins.Properties.class)
class BrowserOrigins {

    /** The public endpoints the pages' script calls. */
    static final List<String> PATHS = List.of("/api/v1/auth/token", "/api/v1/auth/sign-up", "/api/v1/auth/verify-email",
            "/api/v1/auth/account-setup", "/api/v1/auth/password-reset", "/api/v1/auth/password-reset/confirm");

    /** @param origins scheme://host[:port] of the pages allowed to call {@link #PATHS} */
    @ConfigurationProperties("roster.browser")
    record Properties(@DefaultValue({"http://127.0.0.1:8082", "http://localhost:8082"}) List<String> origins) {
    }

    @Bean
    CorsConfigurationSource browserCorsConfiguration(Properties properties) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(properties.origins().stream().map(String::strip).filter(o -> !o.isEmpty()).toList());
        cors.setAllowedMethods(List.of("POST"));
        cors.setAllowedHeaders(List.of("Content-Type", "Accept", "Idempotency-Key", "X-Correlation-Id"));
        cors.setAllowCredentials(false);
        cors.setMaxAge(Duration.ofHours(1));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        PATHS.forEach(path -> source.registerCorsConfiguration(path, cors));
        return source;
    }
}

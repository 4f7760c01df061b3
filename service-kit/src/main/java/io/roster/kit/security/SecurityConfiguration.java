package io.roster.kit.security;

import io.roster.events.ProblemCode;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.ProblemWriter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.web.server.SecurityWebFilterChain;

import java.util.ArrayList;
import java.util.List;

/**
 * Every service is an OAuth2 resource server of the identity service's RS256 tokens, checked against its
 * JWKS. Everything needs a token except health, metrics and the paths a service declares public.
 */
@AutoConfiguration
@EnableWebFluxSecurity
@EnableConfigurationProperties(SecurityProperties.class)
public class SecurityConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ReactiveJwtDecoder jwtDecoder(SecurityProperties properties) {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder
                .withJwkSource(new SigningKeys(properties.jwksUri(), properties.jwksCacheTtl(), properties.jwksMinRefetchInterval()))
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .build();
        return VerifiedTokenCache.around(decoder, rosterTokenValidator(properties.issuer()));
    }

    /** Issuer ({@code iss} equal to {@code issuer}), audience, expiry and not-before, with the default clock skew. */
    public static OAuth2TokenValidator<Jwt> rosterTokenValidator(String issuer) {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalStateException("roster.auth.issuer (ROSTER_ISSUER) is not set: tokens' iss could not be checked");
        }
        OAuth2TokenValidator<Jwt> audience = jwt -> jwt.getAudience() != null && jwt.getAudience().contains(TokenSettings.AUDIENCE)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "wrong audience", null));
        return new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(issuer), audience);
    }

    @Bean
    SecurityWebFilterChain rosterSecurity(ServerHttpSecurity http, ProblemWriter problems,
                                          ObjectProvider<PublicPaths> publicPaths, ReactiveJwtDecoder decoder) {
        List<String> open = new ArrayList<>(List.of("/actuator/health/**", "/actuator/health", "/actuator/prometheus", "/actuator/info"));
        publicPaths.orderedStream().forEach(p -> open.addAll(p.patterns()));
        ApiProblem unauthenticated = new ApiProblem(ProblemCode.UNAUTHENTICATED,
                "A valid, unexpired bearer token from the identity service is required.");
        ApiProblem forbidden = ApiProblem.forbidden("You may not do this.");
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .authorizeExchange(ex -> ex
                        .pathMatchers(open.toArray(String[]::new)).permitAll()
                        .anyExchange().authenticated())
                .oauth2ResourceServer(rs -> rs
                        .jwt(jwt -> jwt.jwtDecoder(decoder))
                        .authenticationEntryPoint((exchange, e) -> problems.write(exchange, unauthenticated))
                        .accessDeniedHandler((exchange, e) -> problems.write(exchange, forbidden)))
                .exceptionHandling(ex -> ex
                        .authenticationEntryPoint((exchange, e) -> problems.write(exchange, unauthenticated))
                        .accessDeniedHandler((exchange, e) -> problems.write(exchange, forbidden)))
                .build();
    }
}

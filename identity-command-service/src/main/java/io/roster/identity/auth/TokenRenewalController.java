package io.roster.identity.auth;

import io.roster.events.ProblemCode;
import io.roster.identity.account.Accounts;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.security.TokenSettings;
import io.roster.kit.web.ApiProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * A new access token for the session of a valid one, without the password: how the admin console keeps a person signed
 * in past one token's lifetime. The presented token is checked like any bearer token (Spring Security: signature, key
 * id, issuer, audience, expiry, and the revocation record: a deleted account's or one issued before a password change
 * is 401 {@code unauthenticated} there). Here the account itself is read, as at login: an account deleted or being
 * deleted renews nothing, even before the revocation record heard of it, and the new token names the account's current
 * email and provider roles. The session's sign-in instant ({@code auth_time}, {@code iatMs}) is copied, so a session
 * ends for good {@code roster.identity.max-session-age} after its sign-in (401 {@code session_too_old}), and a password
 * change revokes its renewed tokens too. Refusals count against the client address like wrong passwords
 * (identity's {@code roster.rate-limits.paths}). Neither the presented token nor the new one is ever logged.
 */
@RestController
class TokenRenewalController {

    private static final Logger log = LoggerFactory.getLogger(TokenRenewalController.class);
    /** Written out in the mapping below too (deployment-tests reads the mappings from the source). */
    static final String RENEW_PATH = "/api/v1/auth/token/renew";

    private final Accounts accounts;
    private final TokenIssuer tokens;
    private final Duration maxSessionAge;
    private final Clock clock;

    TokenRenewalController(Accounts accounts, TokenIssuer tokens, Clock clock,
                           @Value("${roster.identity.max-session-age:PT12H}") Duration maxSessionAge) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.clock = clock;
        this.maxSessionAge = maxSessionAge;
    }

    @ProblemCodes({ProblemCode.SESSION_TOO_OLD, ProblemCode.RATE_LIMITED})
    @PostMapping("/api/v1/auth/token/renew")
    Mono<TokenIssuer.AccessToken> renew() {
        return ReactiveSecurityContextHolder.getContext()
                .mapNotNull(context -> context.getAuthentication())
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(authentication -> ((JwtAuthenticationToken) authentication).getToken())
                .switchIfEmpty(Mono.error(TokenRenewalController::unauthenticated))
                .publishOn(Schedulers.boundedElastic())
                .map(this::renew);
    }

    private TokenIssuer.AccessToken renew(Jwt presented) {
        TokenIssuer.SessionStart session = sessionOf(presented);
        Instant signedIn = Instant.ofEpochSecond(session.authTimeSeconds());
        if (signedIn.plus(maxSessionAge).isBefore(clock.instant())) {
            log.info("renewal refused for user {}: signed in at {}, longer ago than {}", presented.getSubject(), signedIn, maxSessionAge);
            throw new ApiProblem(ProblemCode.SESSION_TOO_OLD,
                    "This session began more than " + maxSessionAge.toHours() + " h ago: sign in again.");
        }
        var account = accounts.findActive(UUID.fromString(presented.getSubject())).orElseThrow(() -> {
            log.info("renewal refused for user {}: no active account", presented.getSubject());
            return unauthenticated();
        });
        // the user id and the session's sign-in, never a token
        log.info("renewed a token of user {} (session signed in at {})", presented.getSubject(), signedIn);
        return tokens.renew(account, session);
    }

    /**
     * The sign-in instant the token carries; a token minted before renewal existed has no {@code auth_time}, and its
     * session counts from its own issue time.
     */
    private static TokenIssuer.SessionStart sessionOf(Jwt token) {
        Instant issued = token.getIssuedAt();
        Object authTime = token.getClaims().get(TokenIssuer.AUTH_TIME_CLAIM);
        Object signedInMillis = token.getClaims().get(TokenSettings.ISSUED_AT_MILLIS_CLAIM);
        long seconds = authTime instanceof Number number ? number.longValue()
                : authTime instanceof Instant instant ? instant.getEpochSecond() : issued != null ? issued.getEpochSecond() : 0;
        long millis = signedInMillis instanceof Number number ? number.longValue() : seconds * 1000;
        return new TokenIssuer.SessionStart(seconds, millis);
    }

    private static ApiProblem unauthenticated() {
        return new ApiProblem(ProblemCode.UNAUTHENTICATED, "A valid, unexpired bearer token from the identity service is required.");
    }
}

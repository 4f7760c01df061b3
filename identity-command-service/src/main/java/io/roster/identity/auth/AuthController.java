package io.roster.identity.auth;

import com.nimbusds.jose.jwk.RSAKey;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.events.ProblemCode;
import io.roster.events.EmailAddress;
import io.roster.identity.account.Accounts;
import io.roster.kit.ratelimit.ClientAddresses;
import io.roster.kit.ratelimit.RateLimiter;
import io.roster.kit.web.RuleViolation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Duration;
import java.util.Map;

/**
 * Login, and the public keys every service checks tokens with. Wrong passwords are counted per account and per client
 * address; while either bucket is empty a login is refused with 429 before the password is compared (no bcrypt work),
 * and the bucket refills by itself, so the owner is never locked out for good. Wrong passwords and unknown emails
 * count in {@code roster.identity.login.failures} (registered at zero); refusals of an empty bucket count in
 * {@code roster.rate.limit.refusals{limit="login-failures-per-..."}}.
 */
@RestController
class AuthController {

    static final String LOGIN_FAILURES_PER_ACCOUNT = "login-failures-per-account";
    static final String LOGIN_FAILURES_PER_ADDRESS = "login-failures-per-address";
    /** The paths of the mappings below (written out there: deployment-tests reads the mappings from the source). */
    static final String TOKEN_PATH = "/api/v1/auth/token";
    static final String JWKS_PATH = "/.well-known/jwks.json";
    static final long JWKS_MAX_AGE_SECONDS = 300;

    /** Compared against when the user is unknown, so both failures take the same time. */
    private final String decoyHash;
    private final Accounts accounts;
    private final PasswordEncoder passwords;
    private final TokenIssuer tokens;
    private final SigningKey key;
    private final RateLimiter limiter;
    private final ClientAddresses clients;
    private final Counter loginFailures;

    AuthController(Accounts accounts, PasswordEncoder passwords, TokenIssuer tokens, SigningKey key, RateLimiter limiter,
                   ClientAddresses clients, MeterRegistry meters) {
        this.loginFailures = Counter.builder("roster.identity.login.failures")
                .description("Logins refused for a wrong email or password").register(meters);
        this.limiter = limiter;
        this.clients = clients;
        this.accounts = accounts;
        this.passwords = passwords;
        this.tokens = tokens;
        this.key = key;
        this.decoyHash = passwords.encode("decoy-password-never-matches");
    }

    @ProblemCodes({ProblemCode.INVALID_CREDENTIALS, ProblemCode.RATE_LIMITED})
    @PostMapping("/api/v1/auth/token")
    Mono<TokenIssuer.AccessToken> token(@Valid @RequestBody LoginRequest request, ServerWebExchange exchange) {
        String client = clients.of(exchange.getRequest());
        return Mono.fromCallable(() -> {
            String accountKey = EmailAddress.normalize(request.email());
            limiter.requireAvailable(LOGIN_FAILURES_PER_ACCOUNT, accountKey);
            limiter.requireAvailable(LOGIN_FAILURES_PER_ADDRESS, client);
            var account = accounts.findByEmail(request.email());
            String hash = account.map(a -> a.passwordHash()).filter(h -> h != null).orElse(decoyHash);
            boolean matches = passwords.matches(request.password(), hash);
            if (account.isEmpty() || !matches || account.get().passwordHash() == null) {
                limiter.recordFailure(LOGIN_FAILURES_PER_ACCOUNT, accountKey);
                limiter.recordFailure(LOGIN_FAILURES_PER_ADDRESS, client);
                loginFailures.increment();
                throw new RuleViolation(ProblemCode.INVALID_CREDENTIALS, "The email or password is wrong.");
            }
            return tokens.issue(account.get());
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /**
     * The signing key and any verification keys (a rotation's next or previous key). Clients may keep it
     * {@value #JWKS_MAX_AGE_SECONDS} s: a rotation publishes the next key at least that long before signing with it.
     */
    @GetMapping("/.well-known/jwks.json")
    ResponseEntity<Map<String, Object>> jwks() {
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(Duration.ofSeconds(JWKS_MAX_AGE_SECONDS)).cachePublic())
                .body(Map.of("keys", key.publishedKeys().stream().map(RSAKey::toJSONObject).toList()));
    }

    record LoginRequest(@NotBlank @Size(max = 320) String email, @NotBlank @Size(max = 200) String password) {
    }
}

package io.roster.identity.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.roster.identity.account.Account;
import io.roster.identity.config.IdentityProperties;
import io.roster.kit.security.SecurityProperties;
import io.roster.kit.security.TokenSettings;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * Mints the RS256 access tokens every service accepts: {@code iss} is {@code roster.auth.issuer}, {@code kid} the signing
 * key's id. A token carries its session's sign-in instant twice: {@code auth_time} (OpenID Connect, seconds), which
 * bounds how long renewals may stretch the session, and {@code iatMs}, which the revocation checks of every service
 * compare with the last password change. At login both are the issue instant; a renewal copies them from the token it
 * replaces, so a password change ends every token of the sessions signed in before it, renewed ones included.
 */
@Component
class TokenIssuer {

    private final SigningKey key;
    private final String issuer;
    private final Duration ttl;
    private final Clock clock;

    TokenIssuer(SigningKey key, IdentityProperties properties, SecurityProperties security, Clock clock) {
        this.key = key;
        this.issuer = security.issuer();
        this.ttl = properties.tokenTtl();
        this.clock = clock;
    }

    /** The OpenID Connect claim of the sign-in instant, epoch seconds. */
    static final String AUTH_TIME_CLAIM = "auth_time";

    /** At login: the session starts now. */
    AccessToken issue(Account account) {
        Instant now = clock.instant();
        return issue(account, new SessionStart(now.getEpochSecond(), now.toEpochMilli()));
    }

    /** A renewal: the same session, so the same sign-in instant, with the account's current email and roles. */
    AccessToken renew(Account account, SessionStart session) {
        return issue(account, session);
    }

    private AccessToken issue(Account account, SessionStart session) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(TokenSettings.AUDIENCE)
                .subject(account.userId().toString())
                .claim("email", account.email())
                .claim("providerRoles", account.providerRoles())
                .issueTime(Date.from(now))
                .claim(TokenSettings.ISSUED_AT_MILLIS_CLAIM, session.signedInMillis())
                .claim(AUTH_TIME_CLAIM, session.authTimeSeconds())
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.privateKey().getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key.privateKey()));
            return new AccessToken(jwt.serialize(), "Bearer", ttl.toSeconds());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    /**
     * When a session signed in: {@code auth_time} (epoch seconds) and the milliseconds the revocation checks compare
     * ({@code iatMs}).
     */
    record SessionStart(long authTimeSeconds, long signedInMillis) {
    }

    /** The body of {@code POST /api/v1/auth/token} and of its renewal. */
    record AccessToken(String accessToken, String tokenType, long expiresIn) {
    }
}

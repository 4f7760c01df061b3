package io.roster.identity.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.roster.kit.security.SecurityProperties;
import io.roster.kit.security.TokenSettings;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * OpenID Connect Discovery 1.0 metadata of the token issuer, claiming only what Roster does: RS256 access tokens from
 * a JSON login (email and password, no client authentication), the keys at {@code jwks_uri}. There is no authorization
 * endpoint, so no response type and no OAuth 2 grant (the login is not the form-encoded {@code password} grant): both
 * lists are empty rather than a promise a client would find broken.
 */
@RestController
class DiscoveryController {

    /** The mapping's path (written out there: deployment-tests reads the mappings from the source). */
    static final String PATH = "/.well-known/openid-configuration";
    /** It changes only with the configuration. */
    private static final Duration MAX_AGE = Duration.ofHours(1);

    private final OpenIdConfiguration configuration;

    DiscoveryController(SecurityProperties security) {
        String issuer = requireIssuerUrl(security.issuer());
        this.configuration = new OpenIdConfiguration(issuer, issuer + AuthController.JWKS_PATH,
                issuer + AuthController.TOKEN_PATH, List.of("none"), List.of(), List.of(), List.of("public"),
                List.of("RS256"), List.of("iss", "aud", "sub", "email", "providerRoles", "iat",
                        TokenSettings.ISSUED_AT_MILLIS_CLAIM, TokenIssuer.AUTH_TIME_CLAIM, "nbf", "exp", "jti"));
    }

    @GetMapping("/.well-known/openid-configuration")
    ResponseEntity<OpenIdConfiguration> openidConfiguration() {
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(MAX_AGE).cachePublic()).body(configuration);
    }

    /** Discovery 1.0 §3: an http(s) URL without query or fragment; without a trailing slash so paths append to it. */
    private static String requireIssuerUrl(String issuer) {
        URI uri = issuer == null ? null : URI.create(issuer);
        boolean valid = uri != null && uri.isAbsolute() && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                && uri.getHost() != null && uri.getQuery() == null && uri.getFragment() == null && !issuer.endsWith("/");
        if (!valid) {
            throw new IllegalStateException("roster.auth.issuer (ROSTER_ISSUER) must be the identity service's public "
                    + "http(s) URL without query, fragment or trailing slash, not " + issuer);
        }
        return issuer;
    }

    /** The metadata, with the member names of the specification. */
    record OpenIdConfiguration(
            @JsonProperty("issuer") String issuer,
            @JsonProperty("jwks_uri") String jwksUri,
            @JsonProperty("token_endpoint") String tokenEndpoint,
            @JsonProperty("token_endpoint_auth_methods_supported") List<String> tokenEndpointAuthMethodsSupported,
            @JsonProperty("grant_types_supported") List<String> grantTypesSupported,
            @JsonProperty("response_types_supported") List<String> responseTypesSupported,
            @JsonProperty("subject_types_supported") List<String> subjectTypesSupported,
            @JsonProperty("id_token_signing_alg_values_supported") List<String> idTokenSigningAlgValuesSupported,
            @JsonProperty("claims_supported") List<String> claimsSupported) {
    }
}

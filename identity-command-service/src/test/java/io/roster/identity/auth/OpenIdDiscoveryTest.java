package io.roster.identity.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.roster.identity.IdentityHttpTest;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code /.well-known/openid-configuration} as a client reads it (issuer, keys, token route, all reachable and matching
 * a real token), and as an attacker tries it: tokens signed with the identity's own key but naming another issuer or
 * another key id, and tokens signed by a key it never published, are refused 401.
 */
class OpenIdDiscoveryTest extends IdentityHttpTest {

    private static final Logger log = LoggerFactory.getLogger(OpenIdDiscoveryTest.class);
    private static final String PROTECTED = "/api/v1/admin/dead-letters";

    @Autowired
    SigningKey signingKey;

    @Value("${roster.auth.issuer}")
    String configuredIssuer;

    @Test
    void theDiscoveryDocumentNamesTheIssuerOfRealTokensAndTheKeyTheyAreSignedWith() throws Exception {
        EntityExchangeResult<JsonNode> discovery = web.get().uri(DiscoveryController.PATH).exchange()
                .expectBody(JsonNode.class).returnResult();
        JsonNode doc = discovery.getResponseBody();
        String issuer = doc.path("issuer").asText();
        List<String> report = new ArrayList<>();
        report.add("discovery: " + discovery.getStatus() + " Cache-Control " + discovery.getResponseHeaders().getCacheControl());
        report.add("document: " + doc);

        // the token route the document advertises is the one that logs in
        String tokenPath = URI.create(doc.path("token_endpoint").asText()).getPath();
        JsonNode login = web.post().uri(tokenPath).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", ADMIN_EMAIL, "password", ADMIN_PASSWORD))
                .exchange().expectBody(JsonNode.class).returnResult().getResponseBody();
        SignedJWT token = SignedJWT.parse(login.path("accessToken").asText());
        String kid = token.getHeader().getKeyID();
        report.add("token: alg " + token.getHeader().getAlgorithm() + " kid " + kid + " iss " + token.getJWTClaimsSet().getIssuer());

        EntityExchangeResult<String> jwksResponse = web.get().uri(URI.create(doc.path("jwks_uri").asText()).getPath()).exchange()
                .expectBody(String.class).returnResult();
        JWKSet jwks = JWKSet.parse(jwksResponse.getResponseBody());
        JWK keyOfToken = jwks.getKeyByKeyId(kid);
        boolean verifies = keyOfToken != null && token.verify(new RSASSAVerifier(keyOfToken.toRSAKey()));
        report.add("jwks: " + jwksResponse.getStatus() + " Cache-Control " + jwksResponse.getResponseHeaders().getCacheControl()
                + " kids " + jwks.getKeys().stream().map(JWK::getKeyID).toList() + "; the token's key verifies it: " + verifies);
        Set<String> tokenClaims = new TreeSet<>(token.getJWTClaimsSet().getClaims().keySet());
        report.add("claims of the token " + tokenClaims);
        write("oidc-discovery-report.txt", report);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(discovery.getStatus().value()).as("discovery without a token").isEqualTo(200);
        softly.assertThat(discovery.getResponseHeaders().getContentType()).as("discovery content type")
                .isEqualTo(MediaType.APPLICATION_JSON);
        softly.assertThat(discovery.getResponseHeaders().getCacheControl()).as("discovery Cache-Control")
                .isEqualTo("max-age=3600, public");
        softly.assertThat(issuer).as("issuer").isEqualTo(configuredIssuer);
        softly.assertThat(doc.path("jwks_uri").asText()).as("jwks_uri").isEqualTo(configuredIssuer + "/.well-known/jwks.json");
        softly.assertThat(doc.path("token_endpoint").asText()).as("token_endpoint").isEqualTo(configuredIssuer + "/api/v1/auth/token");
        softly.assertThat(strings(doc, "subject_types_supported")).as("subject_types_supported").containsExactly("public");
        softly.assertThat(strings(doc, "id_token_signing_alg_values_supported")).as("algorithms").containsExactly("RS256");
        softly.assertThat(strings(doc, "token_endpoint_auth_methods_supported")).as("client authentication").containsExactly("none");
        softly.assertThat(strings(doc, "response_types_supported")).as("no authorization endpoint, no response type").isEmpty();
        softly.assertThat(strings(doc, "grant_types_supported")).as("the JSON login is no OAuth 2 grant").isEmpty();
        softly.assertThat(doc.has("authorization_endpoint") || doc.has("userinfo_endpoint") || doc.has("scopes_supported"))
                .as("nothing Roster lacks is claimed: %s", doc).isFalse();
        softly.assertThat(strings(doc, "claims_supported")).as("claims_supported covers the token's claims").containsAll(tokenClaims);
        softly.assertThat(login.path("accessToken").isTextual()).as("login at the advertised token_endpoint %s", tokenPath).isTrue();
        softly.assertThat(token.getJWTClaimsSet().getIssuer()).as("the token's iss is the discovery issuer").isEqualTo(issuer);
        softly.assertThat(token.getHeader().getAlgorithm().getName()).as("token alg").isEqualTo("RS256");
        softly.assertThat(kid).as("kid of the token is the signing key's").isEqualTo(signingKey.privateKey().getKeyID());
        softly.assertThat(jwksResponse.getResponseHeaders().getCacheControl()).as("JWKS Cache-Control").isEqualTo("max-age=300, public");
        softly.assertThat(verifies).as("the JWKS key %s verifies the token", kid).isTrue();
        softly.assertThat(jwks.getKeys()).as("the JWKS publishes no private key").noneMatch(JWK::isPrivate);
        softly.assertAll();
    }

    @Test
    void tokensNamingAnotherIssuerOrKeyIdOrSignedByAnUnpublishedKeyAreRefused() throws Exception {
        String real = adminToken();
        RSAKey key = signingKey.privateKey();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("control: the real token's claims signed again by the real key", Resigned.unchanged(real, key));
        tokens.put("iss https://evil.example", Resigned.token(real, key, key.getKeyID(), c -> c.issuer("https://evil.example")));
        tokens.put("iss with a trailing slash", Resigned.token(real, key, key.getKeyID(), c -> c.issuer(configuredIssuer + "/")));
        tokens.put("iss roster-identity (before the issuer URL)", Resigned.token(real, key, key.getKeyID(), c -> c.issuer("roster-identity")));
        tokens.put("no iss", Resigned.token(real, key, key.getKeyID(), c -> c.issuer(null)));
        tokens.put("real key under an unknown kid", Resigned.token(real, key, "retired-key", c -> c));
        tokens.put("unpublished key under its own kid", Resigned.token(real, stranger, "stranger", c -> c));
        tokens.put("unpublished key under the real kid", Resigned.token(real, stranger, key.getKeyID(), c -> c));

        Map<String, Integer> statuses = new LinkedHashMap<>();
        tokens.forEach((name, token) -> statuses.put(name, web.get().uri(PROTECTED).headers(h -> h.setBearerAuth(token))
                .exchange().returnResult(String.class).getStatus().value()));
        List<String> report = new ArrayList<>();
        statuses.forEach((name, status) -> report.add(status + "  " + name));
        write("oidc-refused-tokens-report.txt", report);

        SoftAssertions softly = new SoftAssertions();
        statuses.forEach((name, status) -> softly.assertThat(status).as("GET %s with %s", PROTECTED, name)
                .isEqualTo(name.startsWith("control") ? 200 : 401));
        softly.assertAll();
    }

    static List<String> strings(JsonNode doc, String field) {
        List<String> values = new ArrayList<>();
        doc.path(field).forEach(v -> values.add(v.asText()));
        return values;
    }

    static void write(String name, List<String> lines) throws IOException {
        lines.forEach(line -> log.info("{}", line));
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.write(target, lines);
    }
}

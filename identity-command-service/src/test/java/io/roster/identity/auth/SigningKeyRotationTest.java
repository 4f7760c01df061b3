package io.roster.identity.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import io.roster.identity.IdentityHttpTest;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A rotation in progress: besides its signing key (configured as in production, a PKCS#8 PEM) the identity service
 * publishes a previous key (given as a public
 * key PEM) and a next one (given as a private key PEM, as an operator would paste the next Secret). Tokens signed by
 * any of the three are accepted, each key picked by the token's kid; the service still signs with its signing key
 * only; a key nobody published is refused even under a published kid.
 */
class SigningKeyRotationTest extends IdentityHttpTest {

    private static final String PROTECTED = "/api/v1/admin/dead-letters";
    private static final RSAKey CURRENT = newKey();
    private static final RSAKey PREVIOUS = newKey();
    private static final RSAKey NEXT = newKey();

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        registry.add("roster.identity.signing-key-pem", () -> {
            try {
                return pem("PRIVATE KEY", CURRENT.toRSAPrivateKey().getEncoded());
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        });
        registry.add("roster.identity.verification-keys-pem", () -> {
            try {
                return pem("PUBLIC KEY", PREVIOUS.toRSAPublicKey().getEncoded()) + "\n"
                        + pem("PRIVATE KEY", NEXT.toRSAPrivateKey().getEncoded());
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Autowired
    SigningKey signingKey;

    @Test
    void tokensOfEveryPublishedKeyAreAcceptedAndOnlyTheSigningKeySigns() throws Exception {
        String previousKid = PREVIOUS.computeThumbprint().toString();
        String nextKid = NEXT.computeThumbprint().toString();
        String signingKid = signingKey.privateKey().getKeyID();
        JWKSet jwks = JWKSet.parse(web.get().uri(AuthController.JWKS_PATH).exchange().expectBody(String.class)
                .returnResult().getResponseBody());
        List<String> published = jwks.getKeys().stream().map(JWK::getKeyID).toList();
        String real = adminToken();
        String loginKid = SignedJWT.parse(real).getHeader().getKeyID();

        Map<String, String> tokens = new LinkedHashMap<>();
        tokens.put("login token (signing key)", real);
        tokens.put("previous key", Resigned.token(real, PREVIOUS, previousKid, c -> c));
        tokens.put("next key", Resigned.token(real, NEXT, nextKid, c -> c));
        tokens.put("previous key under the next key's kid", Resigned.token(real, PREVIOUS, nextKid, c -> c));
        tokens.put("unpublished key under the previous kid", Resigned.token(real, newKey(), previousKid, c -> c));
        Map<String, Integer> statuses = new LinkedHashMap<>();
        tokens.forEach((name, token) -> statuses.put(name, web.get().uri(PROTECTED).headers(h -> h.setBearerAuth(token))
                .exchange().returnResult(String.class).getStatus().value()));

        List<String> report = new ArrayList<>();
        report.add("signing kid " + signingKid + ", previous " + previousKid + ", next " + nextKid);
        report.add("JWKS kids " + published + ", private parts published: " + jwks.getKeys().stream().anyMatch(JWK::isPrivate));
        report.add("login token kid " + loginKid);
        statuses.forEach((name, status) -> report.add(status + "  " + name));
        OpenIdDiscoveryTest.write("oidc-rotation-report.txt", report);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(signingKid).as("the configured signing key signs").isEqualTo(CURRENT.computeThumbprint().toString());
        softly.assertThat(published).as("JWKS: the signing key first, then the verification keys")
                .containsExactly(signingKid, previousKid, nextKid);
        softly.assertThat(jwks.getKeys()).as("no private part of the next key is published").noneMatch(JWK::isPrivate);
        softly.assertThat(loginKid).as("logins are signed by the signing key only").isEqualTo(signingKid);
        softly.assertThat(statuses.get("login token (signing key)")).as("login token").isEqualTo(200);
        softly.assertThat(statuses.get("previous key")).as("token of the previous key").isEqualTo(200);
        softly.assertThat(statuses.get("next key")).as("token of the next key").isEqualTo(200);
        softly.assertThat(statuses.get("previous key under the next key's kid")).as("a key checked under another's kid").isEqualTo(401);
        softly.assertThat(statuses.get("unpublished key under the previous kid")).as("unpublished key").isEqualTo(401);
        softly.assertAll();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static RSAKey newKey() {
        try {
            return new RSAKeyGenerator(2048).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}

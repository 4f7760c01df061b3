package io.roster.identity.auth;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Keys from PEM without BouncyCastle; a key's id is the same from its private and its public PEM. */
class PemKeysTest {

    @Test
    void aPrivateAndAPublicPemOfOneKeyGiveOneKeyIdAndOnlyThePrivateOneSigns() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        String pem = pem("PRIVATE KEY", key.toRSAPrivateKey().getEncoded()) + "\n" + pem("PUBLIC KEY", key.toRSAPublicKey().getEncoded());

        List<RSAKey> parsed = PemKeys.parse(pem, "setting");

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(parsed).as("keys in %s", pem.lines().filter(l -> l.startsWith("-----BEGIN")).toList()).hasSize(2);
        softly.assertThat(parsed).extracting(RSAKey::getKeyID).as("key ids")
                .containsOnly(key.computeThumbprint().toString());
        softly.assertThat(parsed).extracting(RSAKey::isPrivate).as("private parts").containsExactly(true, false);
        softly.assertThat(parsed.get(0).toRSAPublicKey()).as("public half derived from the private key")
                .isEqualTo(key.toRSAPublicKey());
        softly.assertAll();
    }

    @Test
    void aPkcs1KeyOrTextWithoutAKeyIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> PemKeys.parse(pem("RSA PRIVATE KEY", "x".getBytes(StandardCharsets.UTF_8)), "roster.x"))
                .hasMessageContaining("roster.x").hasMessageContaining("PKCS#8");
        assertThatThrownBy(() -> PemKeys.parse("not a key", "roster.x")).hasMessageContaining("roster.x holds no PEM block");
        assertThatThrownBy(() -> PemKeys.parse(pem("PUBLIC KEY", "garbage".getBytes(StandardCharsets.UTF_8)), "roster.x"))
                .hasMessageContaining("roster.x is not an RSA key");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}

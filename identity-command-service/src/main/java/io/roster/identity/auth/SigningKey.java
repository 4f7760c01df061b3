package io.roster.identity.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.roster.identity.config.IdentityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RS256 key that signs access tokens. From {@code roster.identity.signing-key-pem} when set
 * (production: a Secret); otherwise generated once and kept, readable by the owner only, in the data
 * folder so tokens survive a restart. Its key id ({@code kid}) is its RFC 7638 thumbprint, the same whether the key is
 * read from its private or its public PEM, so a key keeps its id from "next" to "signing" to "previous".
 * <p>
 * The JWKS publishes it together with {@code roster.identity.verification-keys-pem}, keys that verify but never sign:
 * that is how a rotation publishes the next key before signing with it and keeps the previous one until its last
 * tokens have expired (README, "Signing key rotation").
 */
@Component
class SigningKey {

    private static final Logger log = LoggerFactory.getLogger(SigningKey.class);
    private static final String FILE = "jwt-signing-key.json";

    private final RSAKey key;
    private final List<RSAKey> published;

    SigningKey(IdentityProperties properties) {
        this.key = properties.signingKeyPem() != null && !properties.signingKeyPem().isBlank()
                ? fromPem(properties.signingKeyPem())
                : loadOrGenerate(properties.dataDir().resolve(FILE));
        this.published = publish(key, verificationKeys(properties.verificationKeysPem()));
        log.info("Signing tokens with key {}; the JWKS lists {}", key.getKeyID(), published.stream().map(RSAKey::getKeyID).toList());
    }

    RSAKey privateKey() {
        return key;
    }

    RSAKey publicKey() {
        return key.toPublicJWK();
    }

    /** The public halves of the signing key and of the verification keys, the signing key first, each id once. */
    List<RSAKey> publishedKeys() {
        return published;
    }

    private static List<RSAKey> publish(RSAKey signing, List<RSAKey> verification) {
        Map<String, RSAKey> byId = new LinkedHashMap<>();
        byId.put(signing.getKeyID(), signing.toPublicJWK());
        verification.forEach(k -> byId.putIfAbsent(k.getKeyID(), k.toPublicJWK()));
        return List.copyOf(byId.values());
    }

    private static List<RSAKey> verificationKeys(String pem) {
        return pem == null || pem.isBlank() ? List.of() : PemKeys.parse(pem, "roster.identity.verification-keys-pem");
    }

    private static RSAKey fromPem(String pem) {
        List<RSAKey> keys = PemKeys.parse(pem, "roster.identity.signing-key-pem");
        if (keys.size() != 1 || !keys.get(0).isPrivate()) {
            throw new IllegalStateException("roster.identity.signing-key-pem must be one RSA private key (PKCS#8 PEM)");
        }
        return keys.get(0);
    }

    private static RSAKey loadOrGenerate(Path file) {
        try {
            if (Files.exists(file)) {
                return RSAKey.parse(Files.readString(file));
            }
            RSAKey generated = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint(true).generate();
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), "key", ".tmp");
            restrict(temp);
            Files.writeString(temp, generated.toJSONString());
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            log.info("Generated a new token signing key {} in {}", generated.getKeyID(), file);
            return generated;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the signing key in " + file, e);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("the signing key in " + file + " is unreadable", e);
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            log.warn("Cannot restrict permissions of {} on this file system", file);
        }
    }
}

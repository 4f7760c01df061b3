package io.roster.identity.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
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

/**
 * The RS256 key that signs access tokens. From {@code roster.identity.signing-key-pem} when set
 * (production: a Secret); otherwise generated once and kept, readable by the owner only, in the data
 * folder so tokens survive a restart.
 */
@Component
class SigningKey {

    private static final Logger log = LoggerFactory.getLogger(SigningKey.class);
    private static final String FILE = "jwt-signing-key.json";

    private final RSAKey key;

    SigningKey(IdentityProperties properties) {
        this.key = properties.signingKeyPem() != null && !properties.signingKeyPem().isBlank()
                ? fromPem(properties.signingKeyPem())
                : loadOrGenerate(properties.dataDir().resolve(FILE));
    }

    RSAKey privateKey() {
        return key;
    }

    RSAKey publicKey() {
        return key.toPublicJWK();
    }

    private static RSAKey fromPem(String pem) {
        try {
            JWK parsed = JWK.parseFromPEMEncodedObjects(pem);
            RSAKey rsa = parsed.toRSAKey();
            return new RSAKey.Builder(rsa).keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint().build();
        } catch (JOSEException | RuntimeException e) {
            throw new IllegalStateException("roster.identity.signing-key-pem is not an RSA private key in PEM", e);
        }
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

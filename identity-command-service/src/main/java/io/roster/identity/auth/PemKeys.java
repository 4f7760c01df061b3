package io.roster.identity.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RSA keys from PEM with the JDK alone: {@code PRIVATE KEY} (PKCS#8, what {@code openssl genpkey} writes) and
 * {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo, {@code openssl pkey -pubout}). Nimbus's own PEM parsing needs
 * BouncyCastle's bcpkix, which Roster does not ship: with it, a configured signing key failed at startup with
 * NoClassDefFoundError. Each key's id is its RFC 7638 thumbprint, the same from the private or the public PEM.
 */
final class PemKeys {

    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.+?)-----END \\1-----", Pattern.DOTALL);

    private PemKeys() {
    }

    /** Every PEM block of {@code pem}, in order; {@code setting} names the configuration in errors. */
    static List<RSAKey> parse(String pem, String setting) {
        List<RSAKey> keys = new ArrayList<>();
        Matcher block = BLOCK.matcher(pem);
        while (block.find()) {
            keys.add(parseBlock(block.group(1), block.group(2), setting));
        }
        if (keys.isEmpty()) {
            throw new IllegalStateException(setting + " holds no PEM block");
        }
        return keys;
    }

    private static RSAKey parseBlock(String type, String base64, String setting) {
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64.trim());
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            RSAKey.Builder key = switch (type) {
                case "PRIVATE KEY" -> {
                    RSAPrivateCrtKey secret = (RSAPrivateCrtKey) rsa.generatePrivate(new PKCS8EncodedKeySpec(der));
                    RSAPublicKey pub = (RSAPublicKey) rsa.generatePublic(new RSAPublicKeySpec(secret.getModulus(), secret.getPublicExponent()));
                    yield new RSAKey.Builder(pub).privateKey(secret);
                }
                case "PUBLIC KEY" -> new RSAKey.Builder((RSAPublicKey) rsa.generatePublic(new X509EncodedKeySpec(der)));
                default -> throw new IllegalStateException(setting + ": a " + type + " PEM block; give a PKCS#8 "
                        + "PRIVATE KEY (openssl pkcs8 -topk8 -nocrypt converts one) or a PUBLIC KEY");
            };
            return key.keyUse(KeyUse.SIGNATURE).keyIDFromThumbprint().build();
        } catch (GeneralSecurityException | JOSEException | IllegalArgumentException | ClassCastException e) {
            throw new IllegalStateException(setting + " is not an RSA key in PEM (" + type + ")", e);
        }
    }
}

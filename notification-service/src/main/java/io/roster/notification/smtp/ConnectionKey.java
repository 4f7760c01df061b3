package io.roster.notification.smtp;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * What an open SMTP connection can be reused for: the same server, TLS mode, login and envelope sender. An
 * organization whose settings changed gets another key, so its next email never goes through a connection to
 * the old server or under the old login. The password is in it only as a keyed fingerprint (HMAC under a key
 * that lives and dies with this process): the pool's keys can be logged or dumped without giving it away.
 */
record ConnectionKey(String host, int port, TlsMode tlsMode, String username, String passwordFingerprint,
                     String senderAddress) {

    private static final byte[] FINGERPRINT_KEY = randomKey();

    static ConnectionKey of(SmtpServer server) {
        return new ConnectionKey(server.host(), server.port(), server.tlsMode(), server.username(),
                fingerprint(server.password()), server.senderAddress());
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static String fingerprint(String password) {
        if (password == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(FINGERPRINT_KEY, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}

package io.roster.events;

import java.util.Objects;

/**
 * A secret (an invitation, verification or account-setup token) sealed with AES-GCM under a key that
 * only the issuing service and the notification service hold. {@code ciphertext} is base64 of
 * {@code iv || ciphertext || tag}; {@code keyId} names the key so keys can rotate.
 */
public record EncryptedSecret(String keyId, String ciphertext) {
    public EncryptedSecret {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(ciphertext, "ciphertext");
    }

    @Override
    public String toString() {
        return "EncryptedSecret[keyId=" + keyId + ", ciphertext=<sealed>]";
    }
}

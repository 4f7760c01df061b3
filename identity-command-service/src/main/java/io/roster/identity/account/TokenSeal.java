package io.roster.identity.account;

import io.roster.events.EncryptedSecret;
import io.roster.kit.secrets.SecretBox;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Seals verification and account-setup tokens for the notification service. The identity service cannot
 * work without the shared key, so it refuses to start without it, saying which setting is missing.
 */
@Component
class TokenSeal {

    private final SecretBox box;

    TokenSeal(ObjectProvider<SecretBox> box) {
        this.box = box.getIfAvailable();
        if (this.box == null) {
            throw new IllegalStateException("The identity service seals verification and account-setup tokens: set "
                    + "ROSTER_TOKEN_ENCRYPTION_KEY (roster.secrets.token-encryption-key), the base64 AES-256 key it shares "
                    + "with the notification service.");
        }
    }

    EncryptedSecret seal(String token) {
        return box.seal(token);
    }
}

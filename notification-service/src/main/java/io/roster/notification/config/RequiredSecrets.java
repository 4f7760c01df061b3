package io.roster.notification.config;

import io.roster.kit.secrets.SecretBox;
import org.springframework.beans.factory.ObjectProvider;

/** The notification service cannot work without the token encryption key: it says so at start-up. */
public final class RequiredSecrets {

    private RequiredSecrets() {
    }

    public static SecretBox of(ObjectProvider<SecretBox> secrets) {
        return secrets.getIfAvailable(() -> {
            throw new IllegalStateException("roster.secrets.token-encryption-key (ROSTER_TOKEN_ENCRYPTION_KEY) must be set: "
                    + "the notification service opens the sealed tokens of the invitation, account-setup and "
                    + "verification emails, and seals the organizations' SMTP passwords");
        });
    }
}

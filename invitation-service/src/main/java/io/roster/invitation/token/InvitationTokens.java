package io.roster.invitation.token;

import io.roster.events.EncryptedSecret;
import io.roster.events.ProblemCode;
import io.roster.kit.secrets.SecretBox;
import io.roster.kit.web.ApiProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Makes invitation tokens: 256 random bits of which only the SHA-256 is kept for lookup and a sealed copy
 * travels to the notification service. The raw token leaves this class only sealed. Without
 * {@code roster.secrets.token-encryption-key} the service runs but refuses to issue (503).
 */
@Component
public class InvitationTokens {

    private static final Logger log = LoggerFactory.getLogger(InvitationTokens.class);

    private final SecretBox secretBox;

    InvitationTokens(ObjectProvider<SecretBox> secretBox) {
        this.secretBox = secretBox.getIfAvailable();
        if (this.secretBox == null) {
            log.warn("roster.secrets.token-encryption-key (ROSTER_TOKEN_ENCRYPTION_KEY) is not set: invitations cannot be issued");
        }
    }

    /** A fresh token, as it may be stored: its hash and its sealed form. */
    public NewToken next() {
        if (secretBox == null) {
            throw new ApiProblem(ProblemCode.SERVICE_UNAVAILABLE,
                    "Invitations cannot be issued: the token encryption key is not configured.");
        }
        String token = SecretBox.newToken();
        return new NewToken(SecretBox.hash(token), secretBox.seal(token));
    }

    /** The raw token of a sealed one, for an admin who copies a link's URL. */
    public String open(EncryptedSecret sealed) {
        if (secretBox == null) {
            throw new ApiProblem(ProblemCode.SERVICE_UNAVAILABLE,
                    "The token encryption key is not configured.");
        }
        return secretBox.open(sealed);
    }

    public record NewToken(String hash, EncryptedSecret sealed) {
    }
}

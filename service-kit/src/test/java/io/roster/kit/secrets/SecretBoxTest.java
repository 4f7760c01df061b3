package io.roster.kit.secrets;

import io.roster.events.EncryptedSecret;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretBoxTest {

    private final SecretBox box = new SecretBox(SecretBox.newKey());

    @Test
    void aSealedTokenOpensOnlyWithTheSameKeyAndHidesTheToken() {
        String token = SecretBox.newToken();
        EncryptedSecret sealed = box.seal(token);
        assertThat(sealed.ciphertext()).doesNotContain(token);
        assertThat(box.open(sealed)).isEqualTo(token);
        assertThat(box.seal(token).ciphertext()).isNotEqualTo(sealed.ciphertext());
        assertThatThrownBy(() -> new SecretBox(SecretBox.newKey()).open(sealed)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tamperingIsDetected() {
        EncryptedSecret sealed = box.seal("secret");
        byte[] bytes = Base64.getDecoder().decode(sealed.ciphertext());
        bytes[bytes.length - 1] ^= 1;
        assertThatThrownBy(() -> box.open(new EncryptedSecret(sealed.keyId(), Base64.getEncoder().encodeToString(bytes))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokensCarryAtLeast128BitsAndHashDeterministically() {
        String token = SecretBox.newToken();
        assertThat(Base64.getUrlDecoder().decode(token)).hasSizeGreaterThanOrEqualTo(16);
        assertThat(SecretBox.hash(token)).hasSize(64).isEqualTo(SecretBox.hash(token));
        assertThat(SecretBox.newToken()).isNotEqualTo(token);
    }

    @Test
    void aKeyOfTheWrongSizeIsRefused() {
        assertThatThrownBy(() -> new SecretBox(Base64.getEncoder().encodeToString(new byte[16])))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

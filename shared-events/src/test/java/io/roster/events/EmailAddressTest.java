package io.roster.events;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmailAddressTest {

    @Test
    void normalizingTrimsLowerCasesAndComposes() {
        assertThat(EmailAddress.normalize("  Ann.Lee@Example.COM \t")).isEqualTo("ann.lee@example.com");
        // "e" + combining acute accent (NFD) becomes the one precomposed "é" (NFC)
        assertThat(EmailAddress.normalize("Rene\u0301@example.com")).isEqualTo("ren\u00e9@example.com");
        assertThat(EmailAddress.normalize("Rene\u0301@example.com")).isEqualTo(EmailAddress.normalize("REN\u00c9@example.com"));
        assertThat(EmailAddress.normalize(null)).isNull();
    }

    @Test
    void anInternationalDomainTakesItsAsciiForm() {
        assertThat(EmailAddress.normalize("ann@B\u00fccher.Example")).isEqualTo("ann@xn--bcher-kva.example");
        assertThat(EmailAddress.parse("ann@b\u00fccher.example")).contains(new EmailAddress("ann@xn--bcher-kva.example"));
        assertThat(EmailAddress.normalize("ann@xn--bcher-kva.example")).isEqualTo("ann@xn--bcher-kva.example");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ann@example.com", "ann.lee+tag@mail.example.co.uk", "admin@roster.local", "a@b.io",
            "o'hara@x-y.example", "ren\u00e9@example.com", " Ann@Example.com "})
    void acceptsDottedAddresses(String address) {
        assertThat(EmailAddress.isValid(address)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ann@localhost", "", "   ", "ann", "@example.com", "ann@", "ann@@example.com",
            "ann@bob@example.com", "ann lee@example.com", "ann@exa mple.com", ".ann@example.com", "ann.@example.com",
            "an..n@example.com", "ann@-example.com", "ann@example-.com", "ann@example..com", "ann@.example.com",
            "ann@example.com.", "ann@ex_ample.com", "<ann@example.com>", "Ann <ann@example.com>", "ann@example.com,bob@example.com",
            "ann\u0000@example.com"})
    void refusesWhatIsNoDottedAddress(String address) {
        assertThat(EmailAddress.isValid(address)).as(address).isFalse();
        assertThat(EmailAddress.parse(address)).isEmpty();
    }

    @Test
    void refusesNull() {
        assertThat(EmailAddress.isValid(null)).isFalse();
    }

    @Test
    void refusesMoreThan254CharactersAndALocalPartOver64() {
        String domain = "@" + "d".repeat(60) + "." + "e".repeat(60) + "." + "f".repeat(60) + ".example";
        String at254 = "a".repeat(254 - domain.length()) + domain;
        assertThat(at254).hasSize(254);
        assertThat(EmailAddress.isValid(at254)).isTrue();
        assertThat(EmailAddress.isValid("a" + at254)).isFalse();
        assertThat(EmailAddress.isValid("a".repeat(300) + "@example.com")).as("320+ characters").isFalse();
        assertThat(EmailAddress.isValid("a".repeat(64) + "@example.com")).isTrue();
        assertThat(EmailAddress.isValid("a".repeat(65) + "@example.com")).isFalse();
    }

    @Test
    void theRecordHoldsOnlyNormalizedValidAddresses() {
        assertThatThrownBy(() -> new EmailAddress("Ann@example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmailAddress("ann@localhost")).isInstanceOf(IllegalArgumentException.class);
        assertThat(new EmailAddress("ann@example.com").value()).isEqualTo("ann@example.com");
    }

    @Test
    void masksAllButTheFirstLetterOfTheLocalPart() {
        assertThat(EmailAddress.mask("alice@example.com")).isEqualTo("a***@example.com");
        assertThat(EmailAddress.mask("nonsense")).isEqualTo("***");
    }
}

package io.roster.notification.smtp;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How the connection to an SMTP server is protected. */
public enum TlsMode {
    /** Plain SMTP (a local relay or a mail catcher). */
    NONE("none"),
    /** Plain connect, then STARTTLS, which is required: a server that does not offer it is refused. */
    STARTTLS("starttls"),
    /** TLS from the first byte (SMTPS, usually port 465). */
    TLS("tls");

    private final String value;

    TlsMode(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    public static Optional<TlsMode> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(mode -> mode.value.equals(wanted)).findFirst();
    }
}

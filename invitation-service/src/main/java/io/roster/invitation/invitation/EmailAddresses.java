package io.roster.invitation.invitation;

import java.util.Locale;
import java.util.regex.Pattern;

/** How invitation addresses are compared (trimmed, lower case), checked and shown masked. */
public final class EmailAddresses {

    private static final Pattern VALID = Pattern.compile("[^@\\s]{1,64}@[^@\\s.]+(\\.[^@\\s.]+)+");
    private static final int MAX_LENGTH = 254;

    private EmailAddresses() {
    }

    public static String normalize(String email) {
        return email == null ? null : email.strip().toLowerCase(Locale.ROOT);
    }

    public static boolean isValid(String normalized) {
        return normalized != null && normalized.length() <= MAX_LENGTH && VALID.matcher(normalized).matches();
    }

    /** {@code alice@example.com} → {@code a***@example.com}: enough for the invitee to recognise it. */
    public static String mask(String email) {
        int at = email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }
}

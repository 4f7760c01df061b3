package io.roster.events;

import java.net.IDN;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An email address in the one form every service stores, compares and checks (sign-up, user creation, adding a
 * member, invitations, links, the CSV rows, an organization's sender address). Normalized: trimmed, Unicode NFC,
 * lower case, the domain in its ASCII (IDNA) form, so {@code " Ann@Bücher.Example "} and
 * {@code "ann@xn--bcher-kva.example"} are one address. Valid: one {@code @}; a local part of 1–64 characters without
 * spaces or control characters and with no leading, trailing or doubled dot; a domain of at least two labels of
 * letters, digits and inner hyphens (a dotted domain, as Auth0 or Clerk expect: {@code ann@localhost} is refused);
 * at most 254 characters in all (the longest address SMTP carries).
 */
public record EmailAddress(String value) {

    public static final int MAX_LENGTH = 254;
    public static final int MAX_LOCAL_LENGTH = 64;
    /** The message of a {@code validation_failed} field problem about an address. */
    public static final String INVALID = "must be a valid email address (name@domain.example)";

    private static final Pattern LOCAL = Pattern.compile("[^\\s\\p{Cntrl}@\"(),:;<>\\[\\\\\\]]+");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    public EmailAddress {
        if (!isNormalizedAndValid(value)) {
            throw new IllegalArgumentException("not a valid, normalized email address");
        }
    }

    /** The normalized address, or empty when {@code raw} is not a valid one. */
    public static Optional<EmailAddress> parse(String raw) {
        String normalized = normalize(raw);
        return isNormalizedAndValid(normalized) ? Optional.of(new EmailAddress(normalized)) : Optional.empty();
    }

    /** Whether {@code raw}, once normalized, is a valid address. */
    public static boolean isValid(String raw) {
        return isNormalizedAndValid(normalize(raw));
    }

    /**
     * The normalized form of {@code raw} (null stays null). Text that is no address is normalized as far as it goes,
     * so comparing it never matches a real one.
     */
    public static String normalize(String raw) {
        if (raw == null) {
            return null;
        }
        String text = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC);
        int at = text.lastIndexOf('@');
        if (at < 0) {
            return text.toLowerCase(Locale.ROOT);
        }
        return text.substring(0, at).toLowerCase(Locale.ROOT) + "@" + normalizeDomain(text.substring(at + 1));
    }

    /** A domain in lower case and its ASCII (IDNA) form; left in lower case when it is no IDNA domain. */
    public static String normalizeDomain(String raw) {
        if (raw == null) {
            return null;
        }
        String domain = Normalizer.normalize(raw.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        try {
            return IDN.toASCII(domain).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return domain;
        }
    }

    /** Whether a normalized domain is a dotted domain name of valid labels. */
    public static boolean isValidDomain(String domain) {
        if (domain == null || domain.isEmpty() || domain.length() > MAX_LENGTH - 2) {
            return false;
        }
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNormalizedAndValid(String address) {
        if (address == null || address.length() > MAX_LENGTH) {
            return false;
        }
        int at = address.indexOf('@');
        if (at < 1 || at != address.lastIndexOf('@')) {
            return false;
        }
        String local = address.substring(0, at);
        if (local.length() > MAX_LOCAL_LENGTH || !LOCAL.matcher(local).matches()
                || local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            return false;
        }
        String domain = address.substring(at + 1);
        return isValidDomain(domain) && domain.equals(normalizeDomain(domain))
                && local.equals(local.toLowerCase(Locale.ROOT)) && Normalizer.isNormalized(local, Normalizer.Form.NFC);
    }

    /** {@code alice@example.com} → {@code a***@example.com}: enough for its owner to recognise it, no more. */
    public static String mask(String email) {
        int at = email == null ? -1 : email.indexOf('@');
        if (at <= 0) {
            return "***";
        }
        return email.charAt(0) + "***" + email.substring(at);
    }

    @Override
    public String toString() {
        return value;
    }
}

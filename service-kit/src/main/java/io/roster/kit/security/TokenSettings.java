package io.roster.kit.security;

/** Constants of the tokens the identity service issues and every service checks. */
public final class TokenSettings {
    public static final String AUDIENCE = "roster";
    /** The issue instant in epoch milliseconds ({@code iat} has whole seconds): compared with revocation instants. */
    public static final String ISSUED_AT_MILLIS_CLAIM = "iatMs";

    private TokenSettings() {
    }
}

package io.roster.kit.security;

/** Constants of the tokens the identity service issues and every service checks. */
public final class TokenSettings {
    public static final String ISSUER = "roster-identity";
    public static final String AUDIENCE = "roster";

    private TokenSettings() {
    }
}

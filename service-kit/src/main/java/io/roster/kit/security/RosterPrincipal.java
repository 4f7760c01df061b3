package io.roster.kit.security;

import org.springframework.security.oauth2.jwt.Jwt;

import java.util.List;
import java.util.UUID;

/** The caller, as the identity service's token describes them. Organization roles are not in the token: they change. */
public record RosterPrincipal(UUID userId, String email, List<String> providerRoles) {

    public static final String PROVIDER_ADMIN = "provider-admin";
    static final String EMAIL_CLAIM = "email";
    static final String PROVIDER_ROLES_CLAIM = "providerRoles";

    public boolean isProviderAdmin() {
        return providerRoles.contains(PROVIDER_ADMIN);
    }

    static RosterPrincipal from(Jwt jwt) {
        List<String> roles = jwt.getClaimAsStringList(PROVIDER_ROLES_CLAIM);
        return new RosterPrincipal(UUID.fromString(jwt.getSubject()), jwt.getClaimAsString(EMAIL_CLAIM),
                roles == null ? List.of() : List.copyOf(roles));
    }
}

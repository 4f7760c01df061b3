package io.roster.deployment;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** A request of PRODUCT.md §4 and the service that answers it. */
record RouteSample(String method, String path, String service) {

    private static final String IDENTITY = "identity-command-service";
    private static final String INVITATION = "invitation-service";
    private static final String QUERY = "query-service";
    private static final String NOTIFICATION = "notification-service";
    private static final String ORG = "/api/v1/organizations/0f8fad5b-d9cb-469f-a165-70867728950e";

    /** The endpoints of PRODUCT.md §4: reads to the query service, commands to the owner. */
    static final List<RouteSample> PRODUCT_ENDPOINTS = List.of(
            new RouteSample("GET", "/.well-known/jwks.json", IDENTITY),
            new RouteSample("GET", "/.well-known/openid-configuration", IDENTITY),
            new RouteSample("POST", "/api/v1/auth/token", IDENTITY),
            new RouteSample("POST", "/api/v1/auth/sign-up", IDENTITY),
            new RouteSample("POST", "/api/v1/auth/verify-email", IDENTITY),
            new RouteSample("POST", "/api/v1/auth/verification-email", IDENTITY),
            new RouteSample("POST", "/api/v1/users", IDENTITY),
            new RouteSample("DELETE", "/api/v1/users/u1", IDENTITY),
            new RouteSample("GET", "/api/v1/users/u1/memberships", QUERY),
            new RouteSample("POST", "/api/v1/organizations", IDENTITY),
            new RouteSample("GET", "/api/v1/organizations", QUERY),
            new RouteSample("GET", ORG, QUERY),
            new RouteSample("POST", ORG + "/members", IDENTITY),
            new RouteSample("DELETE", ORG + "/members/u1,u2", IDENTITY),
            new RouteSample("PUT", ORG + "/members/u1/roles", IDENTITY),
            new RouteSample("PUT", ORG + "/members/u1/teams", IDENTITY),
            new RouteSample("POST", ORG + "/leave", IDENTITY),
            new RouteSample("POST", ORG + "/teams", IDENTITY),
            new RouteSample("PATCH", ORG + "/teams/t1", IDENTITY),
            new RouteSample("DELETE", ORG + "/teams/t1", IDENTITY),
            new RouteSample("GET", ORG + "/members", QUERY),
            new RouteSample("GET", ORG + "/teams", QUERY),
            new RouteSample("GET", ORG + "/events", QUERY),
            new RouteSample("GET", ORG + "/invitations", QUERY),
            new RouteSample("GET", ORG + "/invitation-links", QUERY),
            new RouteSample("POST", ORG + "/invitations", INVITATION),
            new RouteSample("POST", ORG + "/invitations/i1/resend", INVITATION),
            new RouteSample("DELETE", ORG + "/invitations/i1", INVITATION),
            new RouteSample("POST", ORG + "/invitations/bulk", INVITATION),
            new RouteSample("GET", ORG + "/invitations/bulk/j1", INVITATION),
            new RouteSample("POST", ORG + "/invitation-links", INVITATION),
            new RouteSample("PATCH", ORG + "/invitation-links/l1", INVITATION),
            new RouteSample("PUT", ORG + "/invitation-links/l1/status", INVITATION),
            new RouteSample("GET", ORG + "/invitation-links/l1/url", INVITATION),
            new RouteSample("GET", "/api/v1/invitations/tok", INVITATION),
            new RouteSample("POST", "/api/v1/invitations/tok/accept", INVITATION),
            new RouteSample("GET", "/invite/tok", INVITATION),
            new RouteSample("POST", "/api/v1/auth/account-setup", IDENTITY),
            new RouteSample("GET", "/verify-email", INVITATION),
            new RouteSample("GET", "/account-setup", INVITATION),
            new RouteSample("POST", "/api/v1/auth/password-reset", IDENTITY),
            new RouteSample("POST", "/api/v1/auth/password-reset/confirm", IDENTITY),
            new RouteSample("POST", "/api/v1/auth/password", IDENTITY),
            new RouteSample("POST", "/api/v1/users/u1/account-setup", IDENTITY),
            new RouteSample("PUT", "/api/v1/users/u1/provider-roles", IDENTITY),
            new RouteSample("GET", "/password-reset", INVITATION),
            new RouteSample("PUT", ORG + "/email-settings", NOTIFICATION),
            new RouteSample("GET", ORG + "/notifications", NOTIFICATION),
            new RouteSample("GET", "/api/v1/notifications", NOTIFICATION));

    /** Gateway API HTTPRouteMatch semantics for path and method (no header or query matches are used). */
    static boolean matches(Map<String, Object> match, RouteSample sample) {
        if (match.get("headers") != null || match.get("queryParams") != null) {
            throw new IllegalStateException("header and query parameter matches are not evaluated: " + match);
        }
        Object method = match.get("method");
        if (method != null && !method.equals(sample.method())) {
            return false;
        }
        String type = String.valueOf(Yamls.map(match, "path").getOrDefault("type", "PathPrefix"));
        String value = String.valueOf(Yamls.map(match, "path").getOrDefault("value", "/"));
        return switch (type) {
            case "Exact" -> sample.path().equals(value);
            case "PathPrefix" -> {
                String prefix = value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
                yield prefix.isEmpty() || sample.path().equals(prefix) || sample.path().startsWith(prefix + "/");
            }
            case "RegularExpression" -> Pattern.compile(value).matcher(sample.path()).matches();
            default -> throw new IllegalStateException("unknown path match type " + type);
        };
    }
}

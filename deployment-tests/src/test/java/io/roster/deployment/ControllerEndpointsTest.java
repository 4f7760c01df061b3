package io.roster.deployment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The controller scan finds the endpoints the routing checks rely on. */
class ControllerEndpointsTest {

    @Test
    void readsClassAndMethodMappingsWithTheirHttpMethods() {
        assertThat(ControllerEndpoints.of("identity-command-service")).contains(
                new RouteSample("POST", "/api/v1/auth/token", "identity-command-service"),
                new RouteSample("GET", "/.well-known/jwks.json", "identity-command-service"),
                new RouteSample("GET", "/.well-known/openid-configuration", "identity-command-service"),
                new RouteSample("POST", "/api/v1/organizations", "identity-command-service"));
        assertThat(ControllerEndpoints.of("query-service")).contains(
                new RouteSample("GET", "/api/v1/organizations", "query-service"),
                new RouteSample("GET", "/api/v1/organizations/x1", "query-service"));
        assertThat(ControllerEndpoints.of("query-service"))
                .allMatch(e -> e.method().equals("GET") || e.path().startsWith("/api/v1/admin/projections/rebuild"),
                        "the query service only reads, but for starting a rebuild of its projections");
    }
}

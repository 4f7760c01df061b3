package io.roster.invitation.relay;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.Topics;
import io.roster.invitation.AbstractServiceTest;
import io.roster.testsupport.TestTokenIssuer;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The invitation service serves service-kit's relay check too: its event store against {@code roster.invitation.v1}.
 * (What the check finds and repairs is shown on identity, {@code RelayVerifyTest}.)
 */
class RelayVerifyInvitationTest extends AbstractServiceTest {

    private static final String VERIFY = "/api/v1/admin/relay/verify";

    @Test
    void providerAdminsSeeTheInvitationStoreAgainstItsTopic() {
        UUID admin = UUID.randomUUID();
        UUID organization = organizationAdministeredBy(admin, "Checked Ltd");
        web.post().uri("/api/v1/organizations/{org}/invitations", organization)
                .headers(h -> h.setBearerAuth(tokenOf(admin, "boss@checked.io")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("emails", List.of("ann@checked.io"), "roles", List.of("member")))
                .exchange().expectStatus().isCreated();
        String providerAdmin = TestTokenIssuer.get().tokenFor(UUID.randomUUID(), "root@roster.local", List.of("provider-admin"));

        await("the invitation relayed and checked").atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode report = web.get().uri(VERIFY).headers(h -> h.setBearerAuth(providerAdmin)).exchange()
                    .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
            assertThat(report.path("topics").toString()).isEqualTo("[\"" + Topics.INVITATION + "\"]");
            assertThat(report.path("storedEvents").asLong()).as(report.toString()).isPositive();
            assertThat(report.path("missingEvents").asLong()).as(report.toString()).isZero();
        });
        web.get().uri(VERIFY).headers(h -> h.setBearerAuth(tokenOf(admin, "boss@checked.io"))).exchange()
                .expectStatus().isForbidden()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("forbidden");
    }
}

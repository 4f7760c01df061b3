package io.roster.notification;

import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.UserRegistered;
import io.roster.testsupport.TestTokenIssuer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * V2 (a), as the attack: an organization admin points the organization's SMTP settings at the platform's inside
 * (loopback, a private address, the cloud metadata address, a name resolving to loopback) to read the mail the
 * platform sends there. With {@code roster.notification.allow-private-smtp-hosts} off (the default) every such host is
 * refused with 400 {@code validation_failed} naming {@code host}; a public host is accepted.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class PrivateSmtpHostsTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestEnvironment.register(registry, () -> 2525);
        registry.add("roster.notification.allow-private-smtp-hosts", () -> "false");
    }

    @Autowired
    private WebTestClient web;
    @Autowired
    private KafkaTemplate<String, byte[]> kafka;

    @Test
    void anOrganizationAdminCannotPointItsSmtpSettingsInsideThePlatform() {
        UUID org = UUID.randomUUID();
        UUID admin = UUID.randomUUID();
        String email = "admin-" + org + "@example.com";
        TestEnvironment.publish(kafka, new UserRegistered(UUID.randomUUID(), Instant.now(), null, null, admin, email, "Ada", "Admin",
                RegistrationSource.ADMIN, false), 0, null);
        TestEnvironment.publish(kafka, new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, "Inside Job"), 0, null);
        TestEnvironment.publish(kafka, new MemberAdded(UUID.randomUUID(), Instant.now(), org, admin, admin, List.of("admin"), List.of(),
                JoinPath.DIRECT, null), 1, null);
        String token = TestTokenIssuer.get().tokenFor(admin, email, List.of());
        // the admin is known once the settings answer something other than not_found
        await().atMost(Duration.ofSeconds(30)).until(() -> put(org, token, "93.184.215.14").returnResult(String.class).getStatus().value() == 200);

        for (String host : List.of("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "localhost", "0.0.0.0")) {
            put(org, token, host).expectStatus().isBadRequest()
                    .expectBody()
                    .jsonPath("$.code").isEqualTo("validation_failed")
                    .jsonPath("$.errors[0].field").isEqualTo("host");
        }
    }

    private WebTestClient.ResponseSpec put(UUID org, String token, String host) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("host", host);
        body.put("port", 587);
        body.put("tlsMode", "starttls");
        body.put("senderAddress", "mail@inside.test");
        return web.put().uri("/api/v1/organizations/{id}/email-settings", org).headers(h -> h.setBearerAuth(token))
                .bodyValue(body).exchange();
    }
}

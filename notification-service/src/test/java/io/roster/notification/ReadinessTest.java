package io.roster.notification;

import io.roster.testsupport.TestTokenIssuer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.UUID;

/** Readiness answers for Kafka and MongoDB both: an orchestrator must not route to a service that lost either. */
class ReadinessTest {

    /** A port nothing listens on: these contexts must never reach a real SMTP server (a local stack's, say). */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @AutoConfigureObservability(tracing = false)
    @DirtiesContext
    class WithItsServers {
        @DynamicPropertySource
        static void infrastructure(DynamicPropertyRegistry registry) {
            int smtp = closedPort();
            TestEnvironment.register(registry, () -> smtp);
            registry.add("roster.notification.delivery.enabled", () -> "false");
        }

        @Autowired
        WebTestClient web;

        @Test
        void isReadyLiveAndExposesMetricsButNoApiWithoutAToken() {
            web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.status").isEqualTo("UP");
            web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
            web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
            web.get().uri("/api/v1/organizations/{id}/notifications", UUID.randomUUID()).exchange()
                    .expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.code").isEqualTo("unauthenticated");
            web.put().uri("/api/v1/organizations/{id}/email-settings", UUID.randomUUID()).exchange()
                    .expectStatus().isUnauthorized();
            web.get().uri("/api/v1/organizations/{id}/notifications", UUID.randomUUID())
                    .headers(h -> h.setBearerAuth(TestTokenIssuer.get().expiredTokenFor(UUID.randomUUID(), "x@y.io")))
                    .exchange().expectStatus().isUnauthorized();
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @DirtiesContext
    class WithoutMongo {
        @DynamicPropertySource
        static void infrastructure(DynamicPropertyRegistry registry) {
            int smtp = closedPort();
            TestEnvironment.register(registry, () -> smtp);
            int closedMongo = closedPort();
            registry.add("roster.mongo.uri", () -> "mongodb://127.0.0.1:" + closedMongo + "/?serverSelectionTimeoutMS=500");
            // nothing to read without a database; the consumer would only retry and dead-letter other tests' events
            registry.add("spring.kafka.listener.auto-startup", () -> "false");
        }

        @Autowired
        WebTestClient web;

        @Test
        void isLiveButNotReady() {
            web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
            web.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
                    .expectBody().jsonPath("$.status").isEqualTo("DOWN");
        }
    }
}

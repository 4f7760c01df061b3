package io.roster.notification;

import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.net.ServerSocket;

/** Readiness answers for Kafka and MongoDB both: an orchestrator must not route to a service that lost either. */
class ReadinessTest {

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    @AutoConfigureObservability(tracing = false)
    class WithItsServers {
        @DynamicPropertySource
        static void infrastructure(DynamicPropertyRegistry registry) {
            EmbeddedInfrastructure.register(registry, "notification");
            TestTokenIssuer.register(registry);
        }

        @Autowired
        WebTestClient web;

        @Test
        void isReadyLiveAndExposesMetricsButNoApiWithoutAToken() {
            web.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                    .expectBody().jsonPath("$.status").isEqualTo("UP");
            web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
            web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
            web.get().uri("/api/v1/organizations/x/notifications").exchange()
                    .expectStatus().isUnauthorized()
                    .expectBody().jsonPath("$.code").isEqualTo("unauthenticated");
        }
    }

    @Nested
    @SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
    class WithoutMongo {
        @DynamicPropertySource
        static void infrastructure(DynamicPropertyRegistry registry) throws IOException {
            EmbeddedInfrastructure.register(registry, "notification");
            TestTokenIssuer.register(registry);
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            registry.add("roster.mongo.uri", () -> "mongodb://127.0.0.1:" + closedPort + "/?serverSelectionTimeoutMS=500");
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

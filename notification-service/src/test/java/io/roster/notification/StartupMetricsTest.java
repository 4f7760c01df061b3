package io.roster.notification;

import io.roster.testsupport.metrics.StartupMetricsCheck;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.util.List;

/**
 * The metrics the dashboard and the alerts read exist at zero as soon as the service started, and docs/metrics.txt
 * lists exactly what it exposes ({@link StartupMetricsCheck}). A context of its own, so no other test's traffic came
 * first; closed afterwards.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false)
@DirtiesContext
class StartupMetricsTest {

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        int smtp = ReadinessTest.closedPort();
        TestEnvironment.register(registry, () -> smtp);
        // no email is sent here: the counters must exist without one
        registry.add("roster.notification.delivery.enabled", () -> "false");
    }

    @Autowired
    WebTestClient web;

    @Test
    void everyWatchedMetricExistsBeforeAnyTrafficAndInfoNamesTheBuild() {
        new StartupMetricsCheck("notification-service", "StartupMetricsTest", web).run(List.of(
                "roster_consumer_applied_lag_seconds",
                "roster_consumer_dead_letters_total",
                "roster_consumer_parked",
                "roster_consumer_stalled",
                "roster_notification_outcomes_total",
                "kafka_consumer_fetch_manager_records_lag_max"));
    }
}

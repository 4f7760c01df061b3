package io.roster.query;

import io.roster.testsupport.metrics.StartupMetricsCheck;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import java.util.List;

/**
 * The metrics the dashboard and the alerts read exist at zero as soon as the service started, and docs/metrics.txt
 * lists exactly what it exposes ({@link StartupMetricsCheck}). A context of its own, so no other test's traffic came
 * first; closed afterwards.
 */
@AutoConfigureObservability(tracing = false)
@TestPropertySource(properties = "roster.test.context=startup-metrics")
@DirtiesContext
class StartupMetricsTest extends AbstractServiceTest {

    @Test
    void everyWatchedMetricExistsBeforeAnyTrafficAndInfoNamesTheBuild() {
        new StartupMetricsCheck("query-service", "StartupMetricsTest", web).run(List.of(
                "roster_consumer_applied_lag_seconds",
                "roster_consumer_dead_letters_total",
                "roster_consumer_parked",
                "roster_consumer_stalled",
                "kafka_consumer_fetch_manager_records_lag_max"));
    }
}

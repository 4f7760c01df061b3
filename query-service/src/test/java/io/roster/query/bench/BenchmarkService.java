package io.roster.query.bench;

import io.roster.query.QueryApplication;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The query service as the benchmarks run it, and the way they end. */
final class BenchmarkService {

    /** What a benchmark does with the running service. */
    interface Run {
        void accept(ConfigurableApplicationContext context) throws Exception;
    }

    private BenchmarkService() {
    }

    /**
     * Starts the service, runs the benchmark and exits (the embedded broker's threads would keep the JVM alive; it
     * and the Mongo-wire server stop in shutdown hooks): 0, or 1 when the benchmark failed.
     */
    static void runAndExit(Class<?> benchmark, int partitions, Run run, String... settings) {
        int status = 0;
        try (ConfigurableApplicationContext context = start(partitions, settings)) {
            run.accept(context);
        } catch (Exception e) {
            LoggerFactory.getLogger(benchmark).error("The benchmark failed", e);
            status = 1;
        }
        System.exit(status);
    }

    /**
     * On the embedded servers with a database of its own, the Kafka listener off (the benchmark applies events itself
     * and the listener would only compete for the two cores), warnings only. The settings are command-line arguments,
     * which win over roster-kit.yml and the environment, so a benchmark never touches a local stack's servers.
     */
    private static ConfigurableApplicationContext start(int partitions, String... settings) {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.kafkaBootstrapServers(),
                "--spring.kafka.listener.auto-startup=false",
                "--roster.kafka.topics.partitions=" + partitions,
                "--roster.mongo.uri=" + EmbeddedInfrastructure.mongoUri(),
                "--roster.mongo.database=bench-" + UUID.randomUUID().toString().substring(0, 8),
                "--roster.auth.jwks-uri=" + TestTokenIssuer.get().jwksUri(),
                "--roster.auth.issuer=" + TestTokenIssuer.get().issuer(),
                "--logging.level.root=WARN", "--logging.level.de.bwaldvogel=ERROR"));
        arguments.addAll(List.of(settings));
        return new SpringApplicationBuilder(QueryApplication.class).run(arguments.toArray(String[]::new));
    }
}

package io.roster.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackConfigTest {

    @TempDir
    Path repo;

    private Path fakeRepository() throws Exception {
        Files.writeString(repo.resolve("pom.xml"), """
                <project><modelVersion>4.0.0</modelVersion>
                  <parent><artifactId>spring-boot-starter-parent</artifactId></parent>
                  <artifactId>roster-parent</artifactId></project>""");
        Path module = Files.createDirectories(repo.resolve("local-stack").resolve("src"));
        Files.writeString(repo.resolve("local-stack").resolve("pom.xml"), """
                <project><parent><artifactId>roster-parent</artifactId></parent>
                  <artifactId>local-stack</artifactId></project>""");
        return module;
    }

    @Test
    void defaultsAreThoseOfTheProductSpecification() throws Exception {
        Path nested = fakeRepository();

        LocalStackConfig config = LocalStackConfig.resolve(new String[0], new Properties(), Map.of(), nested);

        assertThat(config.repositoryRoot()).isEqualTo(repo);
        assertThat(config.dataDir()).isEqualTo(repo.resolve(".roster/data"));
        assertThat(config.ports()).isEqualTo(new Ports(9092, 9093, 27017, 3025, 3143, 8025, 8081, 8082, 8083, 8084, 8080));
        assertThat(config.services()).isEqualTo(EnumSet.allOf(RosterService.class));
        assertThat(config.adminEmail()).isEqualTo("admin@roster.local");
        assertThat(config.adminPassword()).isEqualTo("roster-admin");
        assertThat(config.jarOf(RosterService.QUERY))
                .isEqualTo(repo.resolve("query-service/target/query-service.jar"));
    }

    @Test
    void theLauncherStartsTheAdminConsoleUnlessToldNotToAndTestConfigurationsOnlyWhenTheyAsk() throws Exception {
        Path nested = fakeRepository();

        assertThat(LocalStackConfig.resolve(new String[0], new Properties(), Map.of(), nested).console()).isTrue();
        LocalStackConfig without = LocalStackConfig.resolve(new String[] {"--console=false", "--console-port=18080"},
                new Properties(), Map.of(), nested);
        assertThat(without.console()).isFalse();
        assertThat(without.ports().console()).isEqualTo(18080);
        assertThat(LocalStackConfig.defaults(repo).console()).as("what the end-to-end tests build on").isFalse();
        assertThat(LocalStackConfig.defaults(repo).withConsole(true).withPorts(TestPorts.block(11)).console())
                .as("kept by the other with-methods").isTrue();
        assertThat(LocalStackConfig.defaults(repo).consoleJar()).isEqualTo(repo.resolve("admin-console/target/admin-console.jar"));
        assertThatThrownBy(() -> LocalStackConfig.resolve(new String[] {"--console=maybe"}, new Properties(), Map.of(), nested))
                .hasMessageContaining("console must be true or false");
    }

    @Test
    void argumentsOverrideSystemPropertiesWhichOverrideDefaults() throws Exception {
        fakeRepository();
        Properties properties = new Properties();
        properties.setProperty("roster.home", repo.toString());
        properties.setProperty("roster.kafka-port", "19092");
        properties.setProperty("roster.query-port", "18083");
        properties.setProperty("roster.data-dir", "/tmp/from-property");

        LocalStackConfig config = LocalStackConfig.resolve(
                new String[] {"--query-port=28083", "--services=identity,query-service", "--startup-timeout=90"},
                properties, Map.of("ROSTER_BOOTSTRAP_ADMIN_EMAIL", "root@example.com"), Path.of("/"));

        assertThat(config.ports().kafka()).isEqualTo(19092);
        assertThat(config.ports().query()).isEqualTo(28083);
        assertThat(config.ports().identity()).isEqualTo(8081);
        assertThat(config.dataDir()).isEqualTo(Path.of("/tmp/from-property"));
        assertThat(config.services()).containsExactly(RosterService.IDENTITY, RosterService.QUERY);
        assertThat(config.startupTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.adminEmail()).isEqualTo("root@example.com");
    }

    @Test
    void badOptionsAreRefusedWithAMessageThatNamesThem() throws Exception {
        fakeRepository();
        Properties home = new Properties();
        home.setProperty("roster.home", repo.toString());

        assertThatThrownBy(() -> LocalStackConfig.resolve(new String[] {"--kafak-port=1"}, home, Map.of(), repo))
                .hasMessageContaining("unknown option --kafak-port");
        assertThatThrownBy(() -> LocalStackConfig.resolve(new String[] {"--mongo-port=x"}, home, Map.of(), repo))
                .hasMessageContaining("mongo-port must be a number");
        assertThatThrownBy(() -> LocalStackConfig.resolve(new String[] {"--mongo-port=9092"}, home, Map.of(), repo))
                .hasMessageContaining("port 9092 is given to both kafka and mongo");
        assertThatThrownBy(() -> LocalStackConfig.resolve(new String[] {"--services=billing"}, home, Map.of(), repo))
                .hasMessageContaining("unknown service 'billing'");
        assertThat(LocalStackConfig.resolve(new String[] {"--services=none"}, home, Map.of(), repo).services())
                .isEmpty();
    }

    @Test
    void theServicesReachTheMongoWireServerUnlessGivenAUriOfTheirOwn() throws Exception {
        fakeRepository();
        Properties home = new Properties();
        home.setProperty("roster.home", repo.toString());

        LocalStackConfig plain = LocalStackConfig.resolve(new String[] {"--mongo-port=18017"}, home, Map.of(), repo);
        assertThat(plain.mongoUriFor(RosterService.QUERY)).isEqualTo("mongodb://127.0.0.1:18017");

        LocalStackConfig proxied = plain.withServicesMongoUri("mongodb://127.0.0.1:18018");
        assertThat(proxied.mongoUriFor(RosterService.QUERY)).isEqualTo("mongodb://127.0.0.1:18018");
        assertThat(proxied.mongoUriFor(RosterService.IDENTITY)).isEqualTo("mongodb://127.0.0.1:18018");
        assertThat(proxied.withPorts(plain.ports()).withServices(EnumSet.of(RosterService.QUERY)).mongoUriFor(RosterService.QUERY))
                .as("kept by the other with-methods").isEqualTo("mongodb://127.0.0.1:18018");
        assertThat(proxied.ports().mongo()).as("the server still listens on its own port").isEqualTo(18017);

        LocalStackConfig onlyQuery = plain.withServiceMongoUri(RosterService.QUERY, "mongodb://127.0.0.1:18019");
        assertThat(onlyQuery.mongoUriFor(RosterService.QUERY)).isEqualTo("mongodb://127.0.0.1:18019");
        assertThat(onlyQuery.mongoUriFor(RosterService.NOTIFICATION)).isEqualTo("mongodb://127.0.0.1:18017");

        assertThat(LocalStackConfig.resolve(new String[] {"--services-mongo-uri=mongodb://10.0.0.5:27017"}, home, Map.of(), repo)
                .mongoUriFor(RosterService.NOTIFICATION)).isEqualTo("mongodb://10.0.0.5:27017");
        assertThatThrownBy(() -> plain.withServicesMongoUri("127.0.0.1:18018"))
                .hasMessageContaining("services-mongo-uri must be a mongodb:// URI");
    }

    @Test
    void byDefaultTheStackRunsItsOwnBrokerAndAnExternalClusterReplacesItForTheServices() throws Exception {
        fakeRepository();
        Properties home = new Properties();
        home.setProperty("roster.home", repo.toString());
        LocalStackConfig plain = LocalStackConfig.resolve(new String[] {"--kafka-port=19092"}, home, Map.of(), repo);
        assertThat(plain.ownKafka()).isTrue();
        assertThat(plain.kafkaBootstrapServers()).isEqualTo("127.0.0.1:19092");
        assertThat(plain.extraServiceEnvironment()).isEmpty();

        LocalStackConfig clustered = plain.withExternalKafka("127.0.0.1:19092,127.0.0.1:19094")
                .withServiceEnvironment(Map.of("ROSTER_KAFKA_REPLICATION_FACTOR", "3"));
        assertThat(clustered.ownKafka()).isFalse();
        assertThat(clustered.kafkaBootstrapServers()).isEqualTo("127.0.0.1:19092,127.0.0.1:19094");
        assertThat(clustered.withDataDir(repo.resolve("other")).withServices(EnumSet.of(RosterService.QUERY))
                .withServicesMongoUri("mongodb://127.0.0.1:18018"))
                .as("kept by the other with-methods")
                .satisfies(config -> {
                    assertThat(config.kafkaBootstrapServers()).isEqualTo("127.0.0.1:19092,127.0.0.1:19094");
                    assertThat(config.extraServiceEnvironment()).containsEntry("ROSTER_KAFKA_REPLICATION_FACTOR", "3");
                });
        assertThatThrownBy(() -> plain.withExternalKafka(" "))
                .hasMessageContaining("bootstrap servers must not be empty");
    }

    @Test
    void outsideTheRepositoryTheRootCannotBeFound() {
        assertThatThrownBy(() -> LocalStackConfig.findRepositoryRoot(repo))
                .hasMessageContaining("cannot find the Roster repository root")
                .hasMessageContaining("--home=");
    }

    @Test
    void theRealRepositoryIsFoundFromThisModule() {
        Path root = LocalStackConfig.findRepositoryRoot(Path.of(""));
        assertThat(root.resolve("local-stack").resolve("pom.xml")).exists();
    }
}

package io.roster.deployment;

import io.roster.events.Topics;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/** docker-compose.yml against the services' real configuration. */
class ComposeFileTest {

    private final ComposeFile compose = new ComposeFile();
    private final List<ServiceConfiguration> services = Repository.services();

    @Test
    void everyServiceRunsFromTheOneImagePatternWithItsPortAndTheProjectVersion() {
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Map<String, Object> s = compose.service(service.module());
                softly.assertThat(s).as("compose service %s", service.module()).isNotEmpty();
                softly.assertThat(Yamls.string(s, "build.context")).as("%s build.context", service.module()).isEqualTo(".");
                softly.assertThat(Yamls.string(s, "build.dockerfile")).as("%s build.dockerfile", service.module())
                        .isEqualTo(DockerImageTest.DOCKERFILE);
                softly.assertThat(Yamls.string(s, "build.args.SERVICE")).as("%s build arg SERVICE", service.module())
                        .isEqualTo(service.module());
                softly.assertThat(Yamls.string(s, "build.args.PORT")).as("%s build arg PORT", service.module())
                        .isEqualTo(String.valueOf(service.port()));
                softly.assertThat(ComposeFile.interpolate(String.valueOf(s.get("image")))).as("%s image", service.module())
                        .isEqualTo(imageOf(service.module()));
            }
        });
    }

    /** The image every deployment runs for a module: roster/<module>:<project version>. */
    static String imageOf(String module) {
        return "roster/" + module + ":" + Repository.version();
    }

    @Test
    void everyVariableAServiceNeedsIsSetAndEverySetVariableIsOneTheServiceReads() {
        Set<String> imageVariables = DockerImageTest.imageEnvironment();
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Map<String, String> env = ComposeFile.environment(compose.service(service.module()));
                for (String required : DeploymentPolicy.required(service)) {
                    softly.assertThat(env).as("%s in compose must set %s (read by %s)", service.module(), required,
                            service.sources()).containsKey(required);
                }
                for (String set : env.keySet()) {
                    softly.assertThat(service.reads(set) || imageVariables.contains(set))
                            .as("%s in compose sets %s, which the service does not read (typo?); it reads %s",
                                    service.module(), set, service.variables().keySet())
                            .isTrue();
                }
                for (String withheld : DeploymentPolicy.WITHHELD.getOrDefault(service.module(), Set.of())) {
                    softly.assertThat(env).as("%s must not be given %s", service.module(), withheld).doesNotContainKey(withheld);
                }
            }
        });
    }

    @Test
    void noSecretIsWrittenInTheComposeFile() {
        assertSoftly(softly -> {
            for (Map.Entry<String, Object> entry : compose.services().entrySet()) {
                ComposeFile.environment(Yamls.map(entry.getValue(), "")).forEach((name, raw) -> {
                    if (!DeploymentPolicy.isSecret(name)) {
                        return;
                    }
                    if (name.equals("ROSTER_MONGO_URI")) {
                        softly.assertThat(raw).as("%s %s must carry no credentials", entry.getKey(), name)
                                .doesNotContainPattern("://[^/@]+@");
                    } else {
                        softly.assertThat(ComposeFile.isTakenFromVariable(raw, name))
                                .as("%s %s must come from the environment/.env (${%s...}), not a value written in the file",
                                        entry.getKey(), name, name)
                                .isTrue();
                    }
                });
            }
        });
    }

    @Test
    void theRequiredVariablesAreDocumentedInTheEnvExampleWithoutValues() {
        String example = Repository.read("deploy/compose.env.example");
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : example.split("\n")) {
            Matcher m = Pattern.compile("^([A-Z][A-Z0-9_]*)=(.*)$").matcher(line.trim());
            if (m.matches()) {
                documented.put(m.group(1), m.group(2));
            }
        }
        List<String> required = new ArrayList<>();
        Yamls.strings(compose.root).forEach(value -> required.addAll(ComposeFile.requiredVariables(value)));
        assertThat(required).as("required variables of docker-compose.yml").isNotEmpty();
        assertSoftly(softly -> {
            for (String variable : required) {
                softly.assertThat(documented).as("deploy/compose.env.example documents %s", variable).containsKey(variable);
            }
            documented.forEach((name, value) -> softly.assertThat(value)
                    .as("deploy/compose.env.example must leave %s empty (it is an example, not a secret store)", name)
                    .isEmpty());
        });
    }

    @Test
    void portsAndHealthChecksMatchWhatEachServiceExposes() {
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Map<String, Object> s = compose.service(service.module());
                Map<String, String> env = ComposeFile.environment(s);
                softly.assertThat(ComposeFile.interpolate(env.getOrDefault("SERVER_PORT", "")))
                        .as("%s SERVER_PORT", service.module()).isEqualTo(String.valueOf(service.port()));
                List<Integer> containerPorts = Yamls.list(s, "ports").stream()
                        .map(p -> containerPort(ComposeFile.interpolate(String.valueOf(p)))).toList();
                softly.assertThat(containerPorts).as("%s published container ports", service.module()).contains(service.port());

                String healthCheck = String.join(" ", Yamls.list(s, "healthcheck.test").stream().map(String::valueOf).toList());
                softly.assertThat(healthCheck).as("%s health check", service.module())
                        .containsPattern("http://(127\\.0\\.0\\.1|localhost):" + service.port()
                                + Pattern.quote(DeploymentPolicy.READINESS_PATH) + "(\\s|$)");
                if (healthCheck.contains("HealthCheck")) {
                    softly.assertThat(healthCheck).as("%s health check runs the image's HealthCheck class", service.module())
                            .contains(DockerImageTest.HEALTHCHECK_CLASSPATH);
                }
            }
        });
    }

    /** "127.0.0.1:8081:8081", "8081:8081", "8081" → 8081 (the container side). */
    private static int containerPort(String mapping) {
        String[] parts = mapping.split(":");
        return Integer.parseInt(parts[parts.length - 1].replaceAll("/.*", ""));
    }

    @Test
    void servicesStartAfterHealthyKafkaAndMongoAndTheCreatedTopics() {
        String topicsService = topicCreationService();
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Map<String, Object> s = compose.service(service.module());
                URI kafka = URI.create("kafka://" + ComposeFile.interpolate(ComposeFile.environment(s).get("ROSTER_KAFKA_BOOTSTRAP_SERVERS")));
                URI mongo = URI.create(ComposeFile.interpolate(ComposeFile.environment(s).get("ROSTER_MONGO_URI")));
                softly.assertThat(Yamls.string(s, "depends_on." + kafka.getHost() + ".condition"))
                        .as("%s waits for a healthy %s", service.module(), kafka.getHost()).isEqualTo("service_healthy");
                softly.assertThat(Yamls.string(s, "depends_on." + mongo.getHost() + ".condition"))
                        .as("%s waits for a healthy %s", service.module(), mongo.getHost()).isEqualTo("service_healthy");
                softly.assertThat(Yamls.string(s, "depends_on." + topicsService + ".condition"))
                        .as("%s waits for the topics (%s)", service.module(), topicsService)
                        .isEqualTo("service_completed_successfully");
                for (String dependency : Yamls.map(s, "depends_on").keySet()) {
                    softly.assertThat(compose.services()).as("%s depends on a service of the file", service.module())
                            .containsKey(dependency);
                    if ("service_healthy".equals(Yamls.string(s, "depends_on." + dependency + ".condition"))) {
                        softly.assertThat(Yamls.at(compose.service(dependency), "healthcheck.test"))
                                .as("%s has a health check (%s waits for it)", dependency, service.module()).isNotNull();
                    }
                }
            }
        });
    }

    @Test
    void servicesReachKafkaMongoSmtpAndTheJwksAtAddressesTheFileDefines() {
        ServiceConfiguration issuer = Repository.service(DeploymentPolicy.TOKEN_ISSUER);
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Map<String, String> env = ComposeFile.environment(compose.service(service.module()));
                String bootstrap = ComposeFile.interpolate(env.getOrDefault("ROSTER_KAFKA_BOOTSTRAP_SERVERS", ""));
                for (String server : bootstrap.split(",")) {
                    String host = server.substring(0, server.lastIndexOf(':'));
                    String advertised = ComposeFile.interpolate(String.valueOf(
                            ComposeFile.environment(compose.service(host)).get("KAFKA_ADVERTISED_LISTENERS")));
                    softly.assertThat(advertised).as("%s bootstraps from %s: the broker must advertise it", service.module(), server)
                            .containsPattern("//" + Pattern.quote(server) + "(,|$)");
                }

                URI mongo = URI.create(ComposeFile.interpolate(env.getOrDefault("ROSTER_MONGO_URI", "")));
                Map<String, Object> mongoService = compose.service(mongo.getHost());
                String replicaSet = queryParameter(mongo, "replicaSet");
                softly.assertThat(replicaSet).as("%s ROSTER_MONGO_URI names the replica set", service.module()).isNotNull();
                Object command = mongoService.get("command");
                String commandLine = command instanceof List<?> l ? String.join(" ", l.stream().map(String::valueOf).toList())
                        : String.valueOf(command);
                softly.assertThat(commandLine).as("%s runs the replica set %s", mongo.getHost(), replicaSet)
                        .containsPattern("--replSet[ =]" + Pattern.quote(String.valueOf(replicaSet)) + "(\\s|$)");
                softly.assertThat(String.join(" ", Yamls.list(mongoService, "healthcheck.test").stream().map(String::valueOf).toList()))
                        .as("%s health check initiates the replica set with the member %s", mongo.getHost(), mongo.getAuthority())
                        .contains("rs.initiate").contains("_id: '" + replicaSet + "'")
                        .contains("host: '" + mongo.getHost() + ":" + (mongo.getPort() < 0 ? 27017 : mongo.getPort()) + "'");

                if (env.containsKey("ROSTER_SMTP_HOST")) {
                    softly.assertThat(compose.services()).as("%s ROSTER_SMTP_HOST names a compose service", service.module())
                            .containsKey(ComposeFile.interpolate(env.get("ROSTER_SMTP_HOST")));
                }
                if (env.containsKey("ROSTER_JWKS_URI")) {
                    softly.assertThat(ComposeFile.interpolate(env.get("ROSTER_JWKS_URI")))
                            .as("%s ROSTER_JWKS_URI", service.module())
                            .isEqualTo("http://" + issuer.module() + ":" + issuer.port() + DeploymentPolicy.JWKS_PATH);
                }
            }
        });
    }

    private static String queryParameter(URI uri, String name) {
        if (uri.getQuery() == null) {
            return null;
        }
        for (String pair : uri.getQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** The one-shot service that runs kafka-topics.sh --create. */
    private String topicCreationService() {
        List<String> found = compose.services().entrySet().stream()
                .filter(e -> Yamls.strings(Yamls.map(e.getValue(), "")).stream().anyMatch(v -> v.contains("kafka-topics.sh") && v.contains("--create")))
                .map(Map.Entry::getKey).toList();
        assertThat(found).as("one compose service creates the topics with kafka-topics.sh --create").hasSize(1);
        return found.get(0);
    }

    @Test
    void theTopicsAreCreatedWithThePartitionsReplicationAndUnlimitedRetentionTheServicesExpect() {
        String topicsService = topicCreationService();
        String script = ComposeFile.interpolate(String.join("\n",
                Yamls.strings(Yamls.map(compose.service(topicsService), "")).stream().filter(v -> v.contains("kafka-topics.sh")).toList()));
        Map<String, String> created = new LinkedHashMap<>();
        for (String line : script.split("\n")) {
            Matcher topic = Pattern.compile("--create\\b.*--topic\\s+(\\S+)").matcher(line);
            if (topic.find()) {
                created.put(topic.group(1), line);
            }
        }
        List<String> expected = new ArrayList<>();
        for (String topic : Topics.EVENT_TOPICS) {
            expected.add(topic);
            expected.add(Topics.deadLetter(topic));
        }
        assertThat(created.keySet()).as("topics created by %s", topicsService).containsExactlyInAnyOrderElementsOf(expected);

        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Map<String, String> env = ComposeFile.environment(compose.service(service.module()));
                if (!service.reads("ROSTER_KAFKA_PARTITIONS")) {
                    continue;
                }
                // what the service would create a missing topic with: its setting, else its default
                String partitions = env.containsKey("ROSTER_KAFKA_PARTITIONS")
                        ? ComposeFile.interpolate(env.get("ROSTER_KAFKA_PARTITIONS"))
                        : service.variables().get("ROSTER_KAFKA_PARTITIONS").orElse("");
                String replication = env.containsKey("ROSTER_KAFKA_REPLICATION_FACTOR")
                        ? ComposeFile.interpolate(env.get("ROSTER_KAFKA_REPLICATION_FACTOR"))
                        : service.variables().getOrDefault("ROSTER_KAFKA_REPLICATION_FACTOR", java.util.Optional.of("")).orElse("");
                created.forEach((topic, line) -> {
                    softly.assertThat(line).as("%s: partitions = ROSTER_KAFKA_PARTITIONS of %s", topic, service.module())
                            .containsPattern("--partitions\\s+" + Pattern.quote(partitions) + "(\\s|$)");
                    softly.assertThat(line).as("%s: replication = ROSTER_KAFKA_REPLICATION_FACTOR of %s", topic, service.module())
                            .containsPattern("--replication-factor\\s+" + Pattern.quote(replication) + "(\\s|$)");
                });
            }
            created.forEach((topic, line) -> {
                softly.assertThat(line).as("%s: unlimited retention (the replay source)", topic)
                        .containsPattern("--config\\s+retention\\.ms=-1(\\s|$)");
                softly.assertThat(line).as("%s: re-running the creation is harmless", topic).contains("--if-not-exists");
            });
        });
    }
}

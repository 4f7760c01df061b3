package io.roster.deployment;

import io.roster.events.Topics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

/**
 * The k8s/ overlays, rendered, against the services' real configuration. Subclasses render with the
 * built-in kustomize subset (always) and with kubectl's kustomize (where kubectl is installed).
 */
abstract class KubernetesManifestChecks {

    /** Renders k8s/overlays/&lt;overlay&gt;. */
    abstract List<Map<String, Object>> render(String overlay);

    private final List<ServiceConfiguration> services = Repository.services();

    /** Renders once per renderer and overlay (the checks only read). */
    private static final Map<String, List<Map<String, Object>>> RENDERED = new java.util.concurrent.ConcurrentHashMap<>();

    private Manifests manifests(String overlay) {
        return new Manifests(overlay, RENDERED.computeIfAbsent(getClass().getName() + ":" + overlay, key -> render(overlay)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceRunsItsImageAtTheProjectVersionOnItsPort(String overlay) {
        Manifests m = manifests(overlay);
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Optional<Map<String, Object>> container = m.container(service.module());
                softly.assertThat(container).as("%s: Deployment %s with a container %s", overlay, service.module(), service.module())
                        .isPresent();
                if (container.isEmpty()) {
                    continue;
                }
                Map<String, Object> c = container.get();
                String[] image = KustomizeSubset.splitImage(String.valueOf(c.get("image")));
                String[] composeImage = KustomizeSubset.splitImage(ComposeFileTest.imageOf(service.module()));
                softly.assertThat(image[1]).as("%s: %s image tag (= compose, = project version)", overlay, service.module())
                        .isEqualTo(composeImage[1]);
                softly.assertThat(image[0]).as("%s: %s image repository is compose's, in some registry", overlay, service.module())
                        .matches("(.+/)?" + Pattern.quote(composeImage[0]));
                softly.assertThat(Yamls.maps(c, "ports")).as("%s: %s container port http", overlay, service.module())
                        .anyMatch(p -> "http".equals(p.get("name")) && Objects.equals(p.get("containerPort"), service.port()));
                softly.assertThat(m.value(c, "SERVER_PORT")).as("%s: %s SERVER_PORT", overlay, service.module())
                        .isEqualTo(String.valueOf(service.port()));
                softly.assertThat(Yamls.string(c, "resources.requests.cpu")).as("%s: %s cpu request", overlay, service.module()).isNotNull();
                softly.assertThat(Yamls.string(c, "resources.requests.memory")).as("%s: %s memory request", overlay, service.module()).isNotNull();
                softly.assertThat(Yamls.string(c, "resources.limits.memory")).as("%s: %s memory limit", overlay, service.module()).isNotNull();
                Map<String, Object> pod = Yamls.map(m.find("Deployment", service.module()).orElseThrow(), "spec.template");
                softly.assertThat(Yamls.at(pod, "spec.securityContext.runAsNonRoot")).as("%s: %s runs as non-root", overlay, service.module())
                        .isEqualTo(true);
                Map<String, Object> annotations = Yamls.map(pod, "metadata.annotations");
                if (annotations.containsKey("prometheus.io/port")) {
                    softly.assertThat(String.valueOf(annotations.get("prometheus.io/port"))).as("%s: %s scrape port", overlay, service.module())
                            .isEqualTo(String.valueOf(service.port()));
                    softly.assertThat(String.valueOf(annotations.get("prometheus.io/path"))).as("%s: %s scrape path", overlay, service.module())
                            .isEqualTo(DeploymentPolicy.PROMETHEUS_PATH);
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void probesAskTheActuatorGroupsOnTheServicePort(String overlay) {
        Manifests m = manifests(overlay);
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Map<String, Object> c = m.container(service.module()).orElse(Map.of());
                Map<String, String> expected = new LinkedHashMap<>();
                expected.put("readinessProbe", DeploymentPolicy.READINESS_PATH);
                expected.put("livenessProbe", DeploymentPolicy.LIVENESS_PATH);
                expected.put("startupProbe", DeploymentPolicy.LIVENESS_PATH);
                expected.forEach((probe, path) -> {
                    if (probe.equals("startupProbe") && c.get(probe) == null) {
                        return; // optional
                    }
                    softly.assertThat(Yamls.string(c, probe + ".httpGet.path")).as("%s: %s %s path", overlay, service.module(), probe)
                            .isEqualTo(path);
                    softly.assertThat(Manifests.resolvePort(Yamls.at(c, probe + ".httpGet.port"), c))
                            .as("%s: %s %s port", overlay, service.module(), probe).isEqualTo(service.port());
                });
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceHasAServiceOnItsPortAndADisruptionBudget(String overlay) {
        Manifests m = manifests(overlay);
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Map<String, Object> c = m.container(service.module()).orElse(Map.of());
                Map<String, Object> labels = m.podLabels(service.module());
                Optional<Map<String, Object>> svc = m.find("Service", service.module());
                softly.assertThat(svc).as("%s: Service %s", overlay, service.module()).isPresent();
                svc.ifPresent(s -> {
                    softly.assertThat(Manifests.selects(Yamls.map(s, "spec.selector"), labels))
                            .as("%s: Service %s selects the pods of Deployment %s", overlay, service.module(), service.module()).isTrue();
                    softly.assertThat(Yamls.maps(s, "spec.ports"))
                            .as("%s: Service %s sends its port to the container port %d", overlay, service.module(), service.port())
                            .isNotEmpty()
                            .allMatch(p -> Objects.equals(Manifests.resolvePort(p.getOrDefault("targetPort", p.get("port")), c), service.port()));
                });
                List<Map<String, Object>> budgets = m.ofKind("PodDisruptionBudget").stream()
                        .filter(p -> Manifests.selects(Yamls.map(p, "spec.selector.matchLabels"), labels)).toList();
                softly.assertThat(budgets).as("%s: a PodDisruptionBudget for %s", overlay, service.module()).hasSize(1);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyVariableAServiceNeedsIsSetAndEverySetVariableIsOneTheServiceReads(String overlay) {
        Manifests m = manifests(overlay);
        Set<String> imageVariables = DockerImageTest.imageEnvironment();
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Map<String, Object> c = m.container(service.module()).orElse(Map.of());
                Map<String, Map<String, Object>> env = Manifests.env(c);
                softly.assertThat(c.get("envFrom")).as("%s: %s takes no envFrom (every variable is named, so each is checked)",
                        overlay, service.module()).isNull();
                for (String required : DeploymentPolicy.required(service)) {
                    softly.assertThat(env).as("%s: %s must set %s (read by %s)", overlay, service.module(), required, service.sources())
                            .containsKey(required);
                }
                for (String set : env.keySet()) {
                    softly.assertThat(service.reads(set) || imageVariables.contains(set))
                            .as("%s: %s sets %s, which the service does not read (typo?); it reads %s",
                                    overlay, service.module(), set, service.variables().keySet())
                            .isTrue();
                }
                for (String withheld : DeploymentPolicy.WITHHELD.getOrDefault(service.module(), Set.of())) {
                    softly.assertThat(env).as("%s: %s must not be given %s", overlay, service.module(), withheld).doesNotContainKey(withheld);
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void secretsComeFromSecretsThatExistOrThatTheOperatorIsDocumentedToCreate(String overlay) {
        Manifests m = manifests(overlay);
        Set<String> used = new LinkedHashSet<>();
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Map<String, Object> c = m.container(service.module()).orElse(Map.of());
                Set<String> required = DeploymentPolicy.required(service);
                Manifests.env(c).forEach((name, entry) -> {
                    Map<String, Object> secretRef = Yamls.map(entry, "valueFrom.secretKeyRef");
                    Map<String, Object> configMapRef = Yamls.map(entry, "valueFrom.configMapKeyRef");
                    if (DeploymentPolicy.isSecret(name)) {
                        softly.assertThat(secretRef).as("%s: %s %s comes from a Secret (secretKeyRef)", overlay, service.module(), name)
                                .isNotEmpty();
                    }
                    if (!secretRef.isEmpty()) {
                        String secret = String.valueOf(secretRef.get("name"));
                        String key = String.valueOf(secretRef.get("key"));
                        used.add(baseName(m, secret) + "/" + key);
                        softly.assertThat(m.secretExists(secret, key))
                                .as("%s: %s %s → Secret %s key %s: generated by the overlay or listed in its %s (operator-created: %s)",
                                        overlay, service.module(), name, secret, key, Manifests.REQUIRED_SECRETS, m.operatorSecrets)
                                .isTrue();
                        if (required.contains(name) && !DeploymentPolicy.OPTIONAL_SECRETS.contains(name)) {
                            softly.assertThat(secretRef.get("optional")).as("%s: %s needs %s: its secretKeyRef is not optional",
                                    overlay, service.module(), name).isNotEqualTo(true);
                        }
                    }
                    if (!configMapRef.isEmpty()) {
                        String configMap = String.valueOf(configMapRef.get("name"));
                        String key = String.valueOf(configMapRef.get("key"));
                        softly.assertThat(m.find("ConfigMap", configMap).map(cm -> Yamls.map(cm, "data").containsKey(key)).orElse(false))
                                .as("%s: %s %s → ConfigMap %s has key %s", overlay, service.module(), name, configMap, key)
                                .isTrue();
                    }
                });
            }
            m.operatorSecrets.forEach((secret, keys) -> keys.forEach(key -> softly.assertThat(used)
                    .as("%s: %s lists %s/%s, which no manifest uses", overlay, Manifests.REQUIRED_SECRETS, secret, key)
                    .contains(secret + "/" + key)));
            for (Map<String, Object> configMap : m.ofKind("ConfigMap")) {
                Yamls.map(configMap, "data").keySet().forEach(key -> softly.assertThat(DeploymentPolicy.isSecret(key))
                        .as("%s: ConfigMap %s holds %s, a secret: it belongs in a Secret", overlay, KustomizeSubset.name(configMap), key)
                        .isFalse());
            }
        });
    }

    /** A generated Secret's name without kustomize's hash suffix (as REQUIRED_SECRETS.md would name it). */
    private static String baseName(Manifests m, String secret) {
        return m.operatorSecrets.containsKey(secret) ? secret : secret.replaceFirst("-[a-z0-9]{10}$", "");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void servicesFetchTheTokenKeysFromTheIdentityServiceInTheCluster(String overlay) {
        Manifests m = manifests(overlay);
        ServiceConfiguration issuer = Repository.service(DeploymentPolicy.TOKEN_ISSUER);
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                if (!service.reads("ROSTER_JWKS_URI")) {
                    continue;
                }
                String jwks = m.value(m.container(service.module()).orElse(Map.of()), "ROSTER_JWKS_URI");
                softly.assertThat(jwks).as("%s: %s ROSTER_JWKS_URI", overlay, service.module()).isNotNull();
                if (jwks == null) {
                    continue;
                }
                URI uri = URI.create(jwks);
                softly.assertThat(uri.getPath()).as("%s: JWKS path", overlay).isEqualTo(DeploymentPolicy.JWKS_PATH);
                String serviceName = uri.getHost().split("\\.")[0];
                Optional<Map<String, Object>> svc = m.find("Service", serviceName);
                softly.assertThat(svc).as("%s: ROSTER_JWKS_URI host %s is a Service", overlay, uri.getHost()).isPresent();
                svc.ifPresent(s -> {
                    softly.assertThat(Manifests.selects(Yamls.map(s, "spec.selector"), m.podLabels(issuer.module())))
                            .as("%s: Service %s selects %s", overlay, serviceName, issuer.module()).isTrue();
                    softly.assertThat(Yamls.maps(s, "spec.ports")).as("%s: Service %s has port %d", overlay, serviceName, uri.getPort())
                            .anyMatch(p -> Objects.equals(p.get("port"), uri.getPort()));
                });
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void kafkaTopicsHaveTheServicesPartitionsReplicationAndUnlimitedRetention(String overlay) {
        Manifests m = manifests(overlay);
        Map<String, Map<String, Object>> topics = new LinkedHashMap<>();
        for (Map<String, Object> topic : m.ofKind("KafkaTopic")) {
            String name = Yamls.string(topic, "spec.topicName");
            topics.put(name != null ? name : KustomizeSubset.name(topic), topic);
        }
        List<String> expected = new ArrayList<>();
        for (String topic : Topics.EVENT_TOPICS) {
            expected.add(topic);
            expected.add(Topics.deadLetter(topic));
        }
        assertThat(topics.keySet()).as("%s: KafkaTopics", overlay).containsExactlyInAnyOrderElementsOf(expected);
        assertSoftly(softly -> {
            for (ServiceConfiguration service : services) {
                Map<String, Object> c = m.container(service.module()).orElse(Map.of());
                String partitions = m.value(c, "ROSTER_KAFKA_PARTITIONS");
                String replication = m.value(c, "ROSTER_KAFKA_REPLICATION_FACTOR");
                String bootstrap = m.value(c, "ROSTER_KAFKA_BOOTSTRAP_SERVERS");
                topics.forEach((name, topic) -> {
                    if (partitions != null) {
                        softly.assertThat(Yamls.string(topic, "spec.partitions"))
                                .as("%s: %s partitions = ROSTER_KAFKA_PARTITIONS of %s", overlay, name, service.module()).isEqualTo(partitions);
                    }
                    if (replication != null) {
                        softly.assertThat(Yamls.string(topic, "spec.replicas"))
                                .as("%s: %s replicas = ROSTER_KAFKA_REPLICATION_FACTOR of %s", overlay, name, service.module()).isEqualTo(replication);
                    }
                    String label = String.valueOf(Yamls.map(topic, "metadata.labels").get("strimzi.io/cluster"));
                    if (bootstrap != null) {
                        softly.assertThat(bootstrap).as("%s: %s bootstraps from the Kafka cluster %s of the topics", overlay, service.module(), label)
                                .startsWith(label + "-kafka-bootstrap");
                    }
                });
            }
            topics.forEach((name, topic) -> softly.assertThat(String.valueOf(Yamls.map(topic, "spec.config").get("retention.ms")))
                    .as("%s: %s retention.ms (the topics are the replay source)", overlay, name).isEqualTo("-1"));
            for (String topic : Topics.EVENT_TOPICS) {
                softly.assertThat(Yamls.string(topics.get(Topics.deadLetter(topic)), "spec.partitions"))
                        .as("%s: %s has the partitions of %s (dead letters keep the partition)", overlay, Topics.deadLetter(topic), topic)
                        .isEqualTo(Yamls.string(topics.get(topic), "spec.partitions"));
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void consumersAutoscaleButNeverBeyondOneConsumerPerPartition(String overlay) {
        Manifests m = manifests(overlay);
        int partitions = m.ofKind("KafkaTopic").stream().mapToInt(t -> Integer.parseInt(Yamls.string(t, "spec.partitions")))
                .min().orElse(0);
        List<ServiceConfiguration> consumers = services.stream().filter(s -> s.consumerGroup() != null).toList();
        assertThat(consumers).as("services with a Kafka consumer group").isNotEmpty();
        assertSoftly(softly -> {
            for (ServiceConfiguration consumer : consumers) {
                List<Map<String, Object>> autoscalers = m.ofKind("HorizontalPodAutoscaler").stream()
                        .filter(h -> "Deployment".equals(Yamls.string(h, "spec.scaleTargetRef.kind"))
                                && consumer.module().equals(Yamls.string(h, "spec.scaleTargetRef.name"))).toList();
                softly.assertThat(autoscalers).as("%s: a HorizontalPodAutoscaler for %s (group %s)", overlay, consumer.module(),
                        consumer.consumerGroup()).hasSize(1);
                for (Map<String, Object> hpa : autoscalers) {
                    int min = Integer.parseInt(String.valueOf(Yamls.at(hpa, "spec.minReplicas")));
                    int max = Integer.parseInt(String.valueOf(Yamls.at(hpa, "spec.maxReplicas")));
                    softly.assertThat(min).as("%s: %s minReplicas <= maxReplicas", overlay, consumer.module()).isLessThanOrEqualTo(max);
                    softly.assertThat(max * consumer.listenerConcurrency())
                            .as("%s: %s maxReplicas %d x %d consumers each <= %d partitions", overlay, consumer.module(), max,
                                    consumer.listenerConcurrency(), partitions)
                            .isLessThanOrEqualTo(partitions);
                    softly.assertThat(m.find("Deployment", consumer.module()).map(d -> Yamls.at(d, "spec.replicas")).orElse(null))
                            .as("%s: %s replicas are the autoscaler's (none in the Deployment)", overlay, consumer.module()).isNull();
                }
            }
            for (Map<String, Object> hpa : m.ofKind("HorizontalPodAutoscaler")) {
                softly.assertThat(m.find(Yamls.string(hpa, "spec.scaleTargetRef.kind"), Yamls.string(hpa, "spec.scaleTargetRef.name")))
                        .as("%s: HPA %s scales an existing workload", overlay, KustomizeSubset.name(hpa)).isPresent();
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void routeBackendsAreExistingServicesAndPorts(String overlay) {
        Manifests m = manifests(overlay);
        List<Map<String, Object>> routes = m.ofKind("HTTPRoute");
        assertThat(routes).as("%s: HTTPRoutes", overlay).isNotEmpty();
        assertSoftly(softly -> {
            for (Map<String, Object> route : routes) {
                for (Map<String, Object> rule : Yamls.maps(route, "spec.rules")) {
                    for (Map<String, Object> backend : Yamls.maps(rule, "backendRefs")) {
                        Optional<Map<String, Object>> svc = m.find("Service", String.valueOf(backend.get("name")));
                        softly.assertThat(svc).as("%s: backend Service %s", overlay, backend.get("name")).isPresent();
                        svc.ifPresent(s -> softly.assertThat(Yamls.maps(s, "spec.ports"))
                                .as("%s: Service %s has the backend port %s", overlay, backend.get("name"), backend.get("port"))
                                .anyMatch(p -> Objects.equals(p.get("port"), backend.get("port"))));
                    }
                }
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyEndpointOfProductMdIsRoutedToTheServiceThatServesItByExactlyOneRule(String overlay) {
        assertRouted(manifests(overlay), RouteSample.PRODUCT_ENDPOINTS);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void everyEndpointTheControllersMapIsRoutedToItsServiceByExactlyOneRule(String overlay) {
        List<RouteSample> endpoints = new ArrayList<>();
        services.forEach(service -> endpoints.addAll(ControllerEndpoints.of(service.module())));
        assertThat(endpoints).as("controller endpoints of the services").isNotEmpty();
        assertRouted(manifests(overlay), endpoints);
    }

    private static void assertRouted(Manifests m, List<RouteSample> samples) {
        String overlay = m.overlay;
        assertSoftly(softly -> {
            for (RouteSample sample : samples) {
                List<String> backends = new ArrayList<>();
                for (Map<String, Object> route : m.ofKind("HTTPRoute")) {
                    for (Map<String, Object> rule : Yamls.maps(route, "spec.rules")) {
                        if (Yamls.maps(rule, "matches").stream().anyMatch(match -> RouteSample.matches(match, sample))) {
                            Yamls.maps(rule, "backendRefs").forEach(b -> backends.add(String.valueOf(b.get("name"))));
                        }
                    }
                }
                softly.assertThat(backends).as("%s: %s %s is matched by exactly one rule, for %s", overlay, sample.method(),
                        sample.path(), sample.service()).containsExactly(sample.service());
                m.find("Service", sample.service()).ifPresent(s -> softly.assertThat(
                                Manifests.selects(Yamls.map(s, "spec.selector"), m.podLabels(sample.service())))
                        .as("%s: Service %s selects the %s pods", overlay, sample.service(), sample.service()).isTrue());
            }
        });
    }
}

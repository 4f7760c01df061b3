package io.roster.deployment;

import static org.assertj.core.api.SoftAssertions.assertSoftly;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The admin console in docker-compose and both Kubernetes overlays. It is no Kafka and MongoDB service, so the
 * services' checks skip it (their list is the modules declaring server.port); what it needs is different: the address
 * of every service API it calls (each {@code ROSTER_<NAME>_URL} its application.yml reads: without one it calls
 * 127.0.0.1 and a page fails at the first click), its probes, the /console route and a Secure cookie in production.
 */
class AdminConsoleDeploymentTest {

    private static final String CONSOLE = "admin-console";
    private static final int PORT = 8080;

    /** Each service address the console reads, by variable: ROSTER_QUERY_URL → the query-service module. */
    private static Map<String, ServiceConfiguration> serviceAddresses() {
        Path yml = Repository.path(CONSOLE).resolve("src/main/resources/application.yml");
        Set<String> variables = new TreeSet<>();
        for (String value : Yamls.strings(Yamls.load(yml))) {
            Placeholders.in(value).stream().map(Placeholders.Placeholder::name)
                    .filter(name -> name.startsWith("ROSTER_") && name.endsWith("_URL")).forEach(variables::add);
        }
        Map<String, ServiceConfiguration> addresses = new java.util.TreeMap<>();
        for (String variable : variables) {
            String prefix = variable.substring("ROSTER_".length(), variable.length() - "_URL".length()).toLowerCase(java.util.Locale.ROOT) + "-";
            List<ServiceConfiguration> named = Repository.services().stream().filter(s -> s.module().startsWith(prefix)).toList();
            if (named.size() != 1) {
                throw new IllegalStateException(variable + " names no single service module: " + named);
            }
            addresses.put(variable, named.get(0));
        }
        if (addresses.size() < 4) {
            throw new IllegalStateException("the console reads the addresses of identity, invitation, query and notification; found " + addresses.keySet());
        }
        return addresses;
    }

    private static String address(ServiceConfiguration service) {
        return "http://" + service.module() + ":" + service.port();
    }

    @Test
    void composeGivesTheConsoleEveryServiceAddressItCallsAndStartsItAfterThem() {
        ComposeFile compose = new ComposeFile();
        Map<String, Object> console = compose.service(CONSOLE);
        Map<String, String> env = ComposeFile.environment(console);
        assertSoftly(softly -> {
            serviceAddresses().forEach((variable, service) -> {
                softly.assertThat(env.get(variable)).as("compose: %s", variable).isEqualTo(address(service));
                softly.assertThat(Yamls.map(console, "depends_on")).as("compose: the console depends on %s", service.module())
                        .containsKey(service.module());
            });
            softly.assertThat(env.get("SERVER_PORT")).as("compose: SERVER_PORT").isEqualTo(String.valueOf(PORT));
            softly.assertThat(String.valueOf(console.get("image"))).as("compose: image")
                    .isEqualTo("roster/" + CONSOLE + ":${ROSTER_IMAGE_TAG:-" + Repository.version() + "}");
            softly.assertThat(ComposeFile.interpolate(env.getOrDefault("ROSTER_CONSOLE_SECURE_COOKIE", "")))
                    .as("compose: a Secure session cookie unless ROSTER_HTTPS says plain http").isEqualTo("true");
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "prod"})
    void kubernetesGivesTheConsoleEveryServiceAddressItsProbesAndTheConsoleRoute(String overlay) {
        Manifests m = new Manifests(overlay, KustomizeSubset.render(Manifests.overlayDir(overlay)));
        Map<String, Object> container = m.container(CONSOLE).orElseThrow(() -> new AssertionError(overlay + ": no admin-console Deployment"));
        assertSoftly(softly -> {
            serviceAddresses().forEach((variable, service) -> {
                softly.assertThat(m.value(container, variable)).as("%s: %s", overlay, variable).isEqualTo(address(service));
                Optional<Map<String, Object>> target = m.find("Service", service.module());
                softly.assertThat(target).as("%s: a Service %s for %s", overlay, service.module(), variable).isPresent();
                target.ifPresent(s -> softly.assertThat(Yamls.maps(s, "spec.ports")).as("%s: Service %s port", overlay, service.module())
                        .anyMatch(port -> Integer.valueOf(service.port()).equals(port.get("port"))));
            });
            softly.assertThat(m.value(container, "SERVER_PORT")).as("%s: SERVER_PORT", overlay).isEqualTo(String.valueOf(PORT));
            softly.assertThat(String.valueOf(container.get("image"))).as("%s: image at the project version", overlay)
                    .endsWith(CONSOLE + ":" + Repository.version());
            softly.assertThat(Yamls.string(container, "readinessProbe.httpGet.path")).as("%s: readiness", overlay)
                    .isEqualTo(DeploymentPolicy.READINESS_PATH);
            softly.assertThat(Yamls.string(container, "livenessProbe.httpGet.path")).as("%s: liveness", overlay)
                    .isEqualTo(DeploymentPolicy.LIVENESS_PATH);
            softly.assertThat(Manifests.resolvePort(Yamls.at(container, "readinessProbe.httpGet.port"), container))
                    .as("%s: the probes' port", overlay).isEqualTo(PORT);
            softly.assertThat(m.value(container, "ROSTER_CONSOLE_SECURE_COOKIE")).as("%s: the session cookie's Secure flag is set", overlay)
                    .isIn(overlay.equals("prod") ? List.of("true") : List.of("true", "false"));
            softly.assertThat(consoleRouteBackends(m)).as("%s: the HTTPRoute sends /console to the console", overlay)
                    .containsExactly(CONSOLE + ":" + PORT);
            softly.assertThat(m.find("Service", CONSOLE).map(s -> Yamls.maps(s, "spec.ports")).orElse(List.of()))
                    .as("%s: the console's Service", overlay).anyMatch(port -> Integer.valueOf(PORT).equals(port.get("port")));
        });
    }

    /** The backends (name:port) of the HTTPRoute rules matching the path prefix /console. */
    private static List<String> consoleRouteBackends(Manifests m) {
        return m.ofKind("HTTPRoute").stream().flatMap(route -> Yamls.maps(route, "spec.rules").stream())
                .filter(rule -> Yamls.maps(rule, "matches").stream().anyMatch(match -> "/console".equals(Yamls.string(match, "path.value"))))
                .flatMap(rule -> Yamls.maps(rule, "backendRefs").stream())
                .map(backend -> backend.get("name") + ":" + backend.get("port")).toList();
    }
}

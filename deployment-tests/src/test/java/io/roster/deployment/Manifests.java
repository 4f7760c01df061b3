package io.roster.deployment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The rendered manifests of one overlay, and what its operator is documented to create. */
final class Manifests {

    static final String REQUIRED_SECRETS = "REQUIRED_SECRETS.md";
    private static final Pattern REQUIRED_SECRET_ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|\\s*`([^`]+)`\\s*\\|");

    final String overlay;
    final List<Map<String, Object>> documents;
    /** Secret name → keys the operator creates (the overlay's REQUIRED_SECRETS.md), empty when none. */
    final Map<String, Set<String>> operatorSecrets;

    Manifests(String overlay, List<Map<String, Object>> documents) {
        this.overlay = overlay;
        this.documents = documents;
        this.operatorSecrets = operatorSecrets(overlayDir(overlay));
    }

    static Path overlayDir(String overlay) {
        return Repository.path("k8s/overlays/" + overlay);
    }

    static Map<String, Set<String>> operatorSecrets(Path overlayDir) {
        Path file = overlayDir.resolve(REQUIRED_SECRETS);
        Map<String, Set<String>> secrets = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return secrets;
        }
        for (String line : Repository.read(file).split("\n")) {
            Matcher row = REQUIRED_SECRET_ROW.matcher(line.trim());
            if (row.find()) {
                secrets.computeIfAbsent(row.group(1), x -> new LinkedHashSet<>()).add(row.group(2));
            }
        }
        return secrets;
    }

    List<Map<String, Object>> ofKind(String kind) {
        return documents.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return documents.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(KustomizeSubset.name(d))).findFirst();
    }

    /** The container named like the service in its Deployment. */
    Optional<Map<String, Object>> container(String module) {
        return find("Deployment", module).flatMap(d -> Yamls.maps(d, "spec.template.spec.containers").stream()
                .filter(c -> module.equals(c.get("name"))).findFirst());
    }

    /** The container's env entries by name. */
    static Map<String, Map<String, Object>> env(Map<String, Object> container) {
        Map<String, Map<String, Object>> env = new LinkedHashMap<>();
        for (Map<String, Object> entry : Yamls.maps(container, "env")) {
            env.put(String.valueOf(entry.get("name")), entry);
        }
        return env;
    }

    /**
     * The value a variable gets: a literal, or the ConfigMap key's value; "secret:<name>/<key>" for a
     * Secret; null when unset or when the reference points nowhere.
     */
    String value(Map<String, Object> container, String variable) {
        Map<String, Object> entry = env(container).get(variable);
        if (entry == null) {
            return null;
        }
        if (entry.containsKey("value")) {
            return Objects.toString(entry.get("value"), "");
        }
        Map<String, Object> configMapRef = Yamls.map(entry, "valueFrom.configMapKeyRef");
        if (!configMapRef.isEmpty()) {
            return find("ConfigMap", String.valueOf(configMapRef.get("name")))
                    .map(cm -> Yamls.map(cm, "data").get(String.valueOf(configMapRef.get("key"))))
                    .map(String::valueOf).orElse(null);
        }
        Map<String, Object> secretRef = Yamls.map(entry, "valueFrom.secretKeyRef");
        if (!secretRef.isEmpty()) {
            return "secret:" + secretRef.get("name") + "/" + secretRef.get("key");
        }
        return null;
    }

    /** Does a Secret with this key exist in the render, or is it one the operator creates? */
    boolean secretExists(String name, String key) {
        Optional<Map<String, Object>> rendered = find("Secret", name);
        if (rendered.isPresent()) {
            return Yamls.map(rendered.get(), "data").containsKey(key) || Yamls.map(rendered.get(), "stringData").containsKey(key);
        }
        return operatorSecrets.getOrDefault(name, Set.of()).contains(key);
    }

    /** The port number a probe or Service targets: a number, or a named port of the container. */
    static Integer resolvePort(Object port, Map<String, Object> container) {
        if (port instanceof Integer number) {
            return number;
        }
        String name = String.valueOf(port);
        if (name.matches("\\d+")) {
            return Integer.valueOf(name);
        }
        return Yamls.maps(container, "ports").stream().filter(p -> name.equals(p.get("name")))
                .map(p -> (Integer) p.get("containerPort")).findFirst().orElse(null);
    }

    /** Does a label selector (matchLabels or a Service's plain selector) select these labels? */
    static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
        return !selector.isEmpty() && selector.entrySet().stream()
                .allMatch(e -> Objects.equals(String.valueOf(e.getValue()), String.valueOf(labels.get(e.getKey()))));
    }

    Map<String, Object> podLabels(String module) {
        return find("Deployment", module).map(d -> Yamls.map(d, "spec.template.metadata.labels")).orElse(Map.of());
    }
}

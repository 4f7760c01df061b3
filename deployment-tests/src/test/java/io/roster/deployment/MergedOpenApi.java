package io.roster.deployment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.swagger.v3.core.util.Yaml;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenAPI document of the public origin (docs/openapi/roster.yaml), merged from the services' own documents
 * (docs/openapi/&lt;service&gt;.yaml, which each service's OpenApiDocumentTest keeps current): an operation is in it when
 * the HTTPRoute (k8s/base/httproute.yaml) sends its method and path to the service that documents it. Operations the
 * route does not expose (the admin endpoints) stay out. Components are merged by name; two services giving one name
 * different definitions is a conflict the caller reports. Components no public operation uses are dropped.
 */
final class MergedOpenApi {

    static final List<String> SERVICES = List.of("identity-command-service", "invitation-service", "query-service",
            "notification-service");
    static final Path DOCUMENT = Path.of("docs/openapi/roster.yaml");
    private static final String SAMPLE_ID = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final ObjectMapper YAML = Yaml.mapper();

    /** What the merge produced and what it left out, for the report. */
    record Result(String yaml, int operations, List<String> leftOut, List<String> conflicts) {
    }

    private MergedOpenApi() {
    }

    static Result build() {
        List<Map<String, Object>> rules = new ArrayList<>();
        Yamls.loadAll(Repository.path("k8s/base/httproute.yaml")).stream()
                .filter(d -> "HTTPRoute".equals(d.get("kind")))
                .forEach(route -> rules.addAll(Yamls.maps(route, "spec.rules")));
        Map<String, ObjectNode> paths = new TreeMap<>();
        Map<String, Map<String, JsonNode>> components = new TreeMap<>();
        List<String> leftOut = new ArrayList<>();
        List<String> conflicts = new ArrayList<>();
        String version = "3.0.1";
        int operations = 0;
        for (String service : SERVICES) {
            JsonNode document = read(Repository.path("docs/openapi/" + service + ".yaml"));
            version = document.path("openapi").asText(version);
            Iterator<Map.Entry<String, JsonNode>> documented = document.path("paths").fields();
            while (documented.hasNext()) {
                Map.Entry<String, JsonNode> path = documented.next();
                Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields();
                while (ops.hasNext()) {
                    Map.Entry<String, JsonNode> op = ops.next();
                    if (!METHODS.contains(op.getKey())) {
                        continue;
                    }
                    String method = op.getKey().toUpperCase(Locale.ROOT);
                    List<String> backends = backends(rules, method, path.getKey());
                    if (!backends.equals(List.of(service))) {
                        leftOut.add(service + ": " + method + " " + path.getKey() + " (the route sends it to " + backends + ")");
                        continue;
                    }
                    ObjectNode item = paths.computeIfAbsent(path.getKey(), p -> YAML.createObjectNode());
                    if (item.has(op.getKey())) {
                        conflicts.add(method + " " + path.getKey() + " documented by two services");
                    }
                    item.set(op.getKey(), op.getValue());
                    operations++;
                }
            }
            Iterator<Map.Entry<String, JsonNode>> sections = document.path("components").fields();
            while (sections.hasNext()) {
                Map.Entry<String, JsonNode> section = sections.next();
                Map<String, JsonNode> merged = components.computeIfAbsent(section.getKey(), s -> new TreeMap<>());
                section.getValue().fields().forEachRemaining(component -> {
                    JsonNode earlier = merged.putIfAbsent(component.getKey(), component.getValue());
                    if (earlier != null && !earlier.equals(component.getValue())) {
                        conflicts.add(service + " defines components." + section.getKey() + "." + component.getKey()
                                + " unlike an earlier service");
                    }
                });
            }
        }
        ObjectNode root = YAML.createObjectNode();
        root.put("openapi", version);
        ObjectNode info = root.putObject("info");
        info.put("title", "Roster API");
        info.put("version", "v1");
        info.put("description", "The public origin of Roster: one HTTPRoute (k8s/base/httproute.yaml) sends each path "
                + "to the service that serves it. Generated from docs/openapi/<service>.yaml by MergedOpenApiTest "
                + "(deployment-tests); do not edit by hand.");
        root.putArray("servers").addObject().put("url", "/");
        root.putArray("security").addObject().putArray("bearer");
        ObjectNode pathsNode = root.putObject("paths");
        paths.forEach(pathsNode::set);
        ObjectNode componentsNode = root.putObject("components");
        Set<String> used = used(pathsNode, components);
        components.forEach((section, byName) -> {
            ObjectNode sectionNode = YAML.createObjectNode();
            byName.forEach((name, value) -> {
                if (section.equals("securitySchemes") || used.contains("#/components/" + section + "/" + name)) {
                    sectionNode.set(name, value);
                }
            });
            if (!sectionNode.isEmpty()) {
                componentsNode.set(section, sectionNode);
            }
        });
        try {
            return new Result(YAML.writerWithDefaultPrettyPrinter().writeValueAsString(root), operations, leftOut, conflicts);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The services the route's rules send this request to (a path variable becomes a sample id). */
    private static List<String> backends(List<Map<String, Object>> rules, String method, String template) {
        RouteSample sample = new RouteSample(method, template.replaceAll("\\{[^}]+}", SAMPLE_ID), "?");
        Set<String> backends = new LinkedHashSet<>();
        for (Map<String, Object> rule : rules) {
            if (Yamls.maps(rule, "matches").stream().anyMatch(match -> RouteSample.matches(match, sample))) {
                Yamls.maps(rule, "backendRefs").forEach(b -> backends.add(String.valueOf(b.get("name"))));
            }
        }
        return List.copyOf(backends);
    }

    /** Every component the paths refer to, directly or through other components. */
    private static Set<String> used(JsonNode paths, Map<String, Map<String, JsonNode>> components) {
        Set<String> used = new LinkedHashSet<>();
        Deque<JsonNode> todo = new ArrayDeque<>(List.of(paths));
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            if (node.isObject() && node.has("$ref") && node.get("$ref").isTextual()) {
                String ref = node.get("$ref").asText();
                String[] parts = ref.split("/");
                if (used.add(ref) && parts.length == 4) {
                    JsonNode target = components.getOrDefault(parts[2], Map.of()).get(parts[3]);
                    if (target != null) {
                        todo.push(target);
                    }
                }
            }
            if (node.isContainerNode()) {
                node.elements().forEachRemaining(todo::push);
            }
        }
        return used;
    }

    private static JsonNode read(Path file) {
        try {
            return YAML.readTree(Repository.read(file));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

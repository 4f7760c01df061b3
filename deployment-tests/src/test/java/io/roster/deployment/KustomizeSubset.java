package io.roster.deployment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renders a kustomization with the subset of kustomize these manifests use, so the checks run where
 * no kubectl is installed: resources (files and directories), configMapGenerator and secretGenerator
 * (create, merge, replace; generated names keep no hash suffix), strategic-merge patches (by name or
 * target; lists of named items merge by name, other lists are replaced), replicas, images and
 * namespace. A field outside the subset fails loudly rather than being ignored.
 * {@link KubectlRenderedManifestsTest} checks the same manifests as the real kustomize renders them.
 */
final class KustomizeSubset {

    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "namespace", "resources", "labels",
            "configMapGenerator", "secretGenerator", "patches", "replicas", "images");

    /** Marks a Secret made by a secretGenerator (rendered Secrets from files the repository does not hold). */
    static final String GENERATED = "roster.test/generated";

    private KustomizeSubset() {
    }

    static List<Map<String, Object>> render(Path dir) {
        Path file = dir.resolve("kustomization.yaml");
        Map<String, Object> k = Yamls.load(file);
        Set<String> unsupported = new LinkedHashSet<>(k.keySet());
        unsupported.removeAll(SUPPORTED);
        if (!unsupported.isEmpty()) {
            throw new IllegalStateException(file + " uses " + unsupported + ", outside what KustomizeSubset renders: extend it");
        }
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object resource : Yamls.list(k, "resources")) {
            Path path = dir.resolve(String.valueOf(resource)).normalize();
            if (Files.isDirectory(path)) {
                docs.addAll(render(path));
            } else {
                docs.addAll(Yamls.loadAll(path));
            }
        }
        for (Map<String, Object> generator : Yamls.maps(k, "configMapGenerator")) {
            generate(docs, "ConfigMap", generator, dir);
        }
        for (Map<String, Object> generator : Yamls.maps(k, "secretGenerator")) {
            generate(docs, "Secret", generator, dir);
        }
        for (Map<String, Object> patch : Yamls.maps(k, "patches")) {
            if (patch.get("path") == null) {
                throw new IllegalStateException(file + ": only patches with a path are rendered: " + patch);
            }
            for (Map<String, Object> body : Yamls.loadAll(dir.resolve(String.valueOf(patch.get("path"))))) {
                Map<String, Object> target = Yamls.map(patch, "target");
                List<Map<String, Object>> targets = docs.stream().filter(d -> target.isEmpty()
                        ? Objects.equals(d.get("kind"), body.get("kind")) && Objects.equals(name(d), name(body))
                        : matches(d, target)).toList();
                if (targets.isEmpty()) {
                    throw new IllegalStateException(file + ": patch " + patch.get("path") + " (" + body.get("kind") + " "
                            + name(body) + ") matches no resource");
                }
                for (Map<String, Object> doc : targets) {
                    Map<String, Object> effective = new LinkedHashMap<>(body);
                    effective.remove("metadata"); // the target keeps its own name
                    Map<String, Object> metadata = new LinkedHashMap<>(Yamls.map(body, "metadata"));
                    metadata.remove("name");
                    if (!metadata.isEmpty()) {
                        effective.put("metadata", metadata);
                    }
                    merge(doc, effective);
                }
            }
        }
        for (Map<String, Object> replicas : Yamls.maps(k, "replicas")) {
            Map<String, Object> deployment = find(docs, "Deployment", String.valueOf(replicas.get("name")), file);
            Yamls.map(deployment, "").computeIfAbsent("spec", x -> new LinkedHashMap<>());
            mutable(deployment, "spec").put("replicas", replicas.get("count"));
        }
        for (Map<String, Object> image : Yamls.maps(k, "images")) {
            for (Map<String, Object> doc : docs) {
                for (Map<String, Object> container : Yamls.maps(doc, "spec.template.spec.containers")) {
                    String[] ref = splitImage(String.valueOf(container.get("image")));
                    if (ref[0].equals(image.get("name"))) {
                        String name = image.get("newName") != null ? String.valueOf(image.get("newName")) : ref[0];
                        String tag = image.get("newTag") != null ? String.valueOf(image.get("newTag")) : ref[1];
                        container.put("image", tag == null ? name : name + ":" + tag);
                    }
                }
            }
        }
        if (k.get("namespace") != null) {
            docs.forEach(d -> mutable(d, "metadata").put("namespace", k.get("namespace")));
        }
        return docs;
    }

    /** "registry/roster/x:1.0" → ["registry/roster/x", "1.0"]; no tag → [name, null]. */
    static String[] splitImage(String image) {
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? new String[]{image.substring(0, colon), image.substring(colon + 1)} : new String[]{image, null};
    }

    static String name(Map<String, Object> doc) {
        return Yamls.string(doc, "metadata.name");
    }

    private static boolean matches(Map<String, Object> doc, Map<String, Object> target) {
        if (target.get("kind") != null && !target.get("kind").equals(doc.get("kind"))) {
            return false;
        }
        if (target.get("name") != null && !target.get("name").equals(name(doc))) {
            return false;
        }
        if (target.get("group") != null) {
            String apiVersion = String.valueOf(doc.get("apiVersion"));
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            return target.get("group").equals(group);
        }
        return true;
    }

    private static Map<String, Object> find(List<Map<String, Object>> docs, String kind, String name, Path file) {
        return docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(name(d))).findFirst()
                .orElseThrow(() -> new IllegalStateException(file + ": no " + kind + " " + name));
    }

    private static void generate(List<Map<String, Object>> docs, String kind, Map<String, Object> generator, Path dir) {
        String name = String.valueOf(generator.get("name"));
        String behavior = String.valueOf(generator.getOrDefault("behavior", "create"));
        Map<String, Object> data = new LinkedHashMap<>();
        for (Object literal : Yamls.list(generator, "literals")) {
            String entry = String.valueOf(literal);
            int eq = entry.indexOf('=');
            data.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        for (Object source : Yamls.list(generator, "files")) {
            String entry = String.valueOf(source);
            int eq = entry.indexOf('=');
            String key = eq >= 0 ? entry.substring(0, eq) : Path.of(entry).getFileName().toString();
            data.put(key, "<file " + dir.resolve(eq >= 0 ? entry.substring(eq + 1) : entry).normalize() + ">");
        }
        if (!Yamls.list(generator, "envs").isEmpty()) {
            throw new IllegalStateException(name + ": env-file generators are not rendered (their keys live in a file "
                    + "that may not be committed); use files: or literals:");
        }
        Map<String, Object> existing = docs.stream().filter(d -> kind.equals(d.get("kind")) && name.equals(name(d)))
                .findFirst().orElse(null);
        switch (behavior) {
            case "create" -> {
                if (existing != null) {
                    throw new IllegalStateException(kind + " " + name + " generated twice");
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("apiVersion", "v1");
                doc.put("kind", kind);
                Map<String, Object> metadata = new LinkedHashMap<>();
                metadata.put("name", name);
                if (kind.equals("Secret")) {
                    metadata.put("annotations", new LinkedHashMap<>(Map.of(GENERATED, "true")));
                }
                doc.put("metadata", metadata);
                doc.put("data", data);
                docs.add(doc);
            }
            case "merge", "replace" -> {
                if (existing == null) {
                    throw new IllegalStateException(kind + " " + name + ": behavior " + behavior + " but no such " + kind + " in the base");
                }
                if (behavior.equals("replace")) {
                    mutable(existing, "data").clear();
                }
                mutable(existing, "data").putAll(data);
            }
            default -> throw new IllegalStateException(name + ": unknown generator behavior " + behavior);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mutable(Map<String, Object> doc, String key) {
        Object value = doc.get(key);
        if (!(value instanceof Map)) {
            value = new LinkedHashMap<String, Object>();
            doc.put(key, value);
        }
        return (Map<String, Object>) value;
    }

    /** Strategic merge: maps recursively, lists of maps with a name by name, other lists replaced, null deletes. */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> target, Map<String, Object> patch) {
        for (Map.Entry<String, Object> entry : patch.entrySet()) {
            Object current = target.get(entry.getKey());
            Object value = entry.getValue();
            if (value == null) {
                target.remove(entry.getKey());
            } else if (value instanceof Map && current instanceof Map) {
                merge((Map<String, Object>) current, (Map<String, Object>) value);
            } else if (value instanceof List<?> patchList && current instanceof List<?> currentList
                    && isNamedList(patchList) && isNamedList(currentList)) {
                List<Object> merged = new ArrayList<>(currentList);
                for (Object item : patchList) {
                    Map<String, Object> patchItem = (Map<String, Object>) item;
                    Map<String, Object> match = (Map<String, Object>) merged.stream()
                            .filter(m -> Objects.equals(((Map<?, ?>) m).get("name"), patchItem.get("name")))
                            .findFirst().orElse(null);
                    if (match == null) {
                        merged.add(deepCopy(patchItem));
                    } else {
                        merge(match, patchItem);
                    }
                }
                target.put(entry.getKey(), merged);
            } else {
                target.put(entry.getKey(), deepCopy(value));
            }
        }
    }

    private static boolean isNamedList(List<?> list) {
        return !list.isEmpty() && list.stream().allMatch(i -> i instanceof Map<?, ?> m && m.get("name") != null);
    }

    @SuppressWarnings("unchecked")
    private static Object deepCopy(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            return new ArrayList<>(list.stream().map(KustomizeSubset::deepCopy).toList());
        }
        return value;
    }
}

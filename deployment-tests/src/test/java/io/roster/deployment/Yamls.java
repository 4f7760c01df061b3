package io.roster.deployment;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** YAML loading (safe constructor, multi-document) and navigation of the loaded maps and lists. */
final class Yamls {

    private Yamls() {
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        return new Yaml(new SafeConstructor(options));
    }

    static Map<String, Object> load(Path file) {
        List<Map<String, Object>> documents = loadAll(file);
        if (documents.size() != 1) {
            throw new IllegalStateException(file + ": expected one YAML document, found " + documents.size());
        }
        return documents.get(0);
    }

    static List<Map<String, Object>> loadAll(Path file) {
        try {
            return loadAll(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> loadAll(String text, String origin) {
        List<Map<String, Object>> documents = new ArrayList<>();
        try {
            for (Object document : yaml().loadAll(text)) {
                if (document == null) {
                    continue; // an empty document (a leading or trailing ---)
                }
                if (!(document instanceof Map)) {
                    throw new IllegalStateException(origin + ": a document is not a mapping: " + document);
                }
                documents.add((Map<String, Object>) document);
            }
        } catch (RuntimeException e) {
            throw new IllegalStateException(origin + ": " + e.getMessage(), e);
        }
        return documents;
    }

    /** The value at a dotted path of map keys ("spec.template.spec"), or null. */
    static Object at(Object root, String dottedPath) {
        Object current = root;
        for (String key : dottedPath.split("\\.")) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object root, String dottedPath) {
        Object value = dottedPath.isEmpty() ? root : at(root, dottedPath);
        return value instanceof Map ? (Map<String, Object>) value : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object root, String dottedPath) {
        Object value = at(root, dottedPath);
        if (!(value instanceof List<?> list)) {
            return List.of();
        }
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Object item : list) {
            if (item instanceof Map) {
                maps.add((Map<String, Object>) item);
            }
        }
        return maps;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object root, String dottedPath) {
        Object value = at(root, dottedPath);
        return value instanceof List ? (List<Object>) value : List.of();
    }

    static String string(Object root, String dottedPath) {
        Object value = at(root, dottedPath);
        return value == null ? null : Objects.toString(value);
    }

    /** Every string scalar under a node, keys excluded. */
    static List<String> strings(Object node) {
        List<String> found = new ArrayList<>();
        collectStrings(node, found);
        return found;
    }

    private static void collectStrings(Object node, List<String> found) {
        if (node instanceof Map<?, ?> map) {
            map.values().forEach(value -> collectStrings(value, found));
        } else if (node instanceof List<?> list) {
            list.forEach(value -> collectStrings(value, found));
        } else if (node instanceof String s) {
            found.add(s);
        }
    }
}

package io.roster.deployment;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** docker-compose.yml, loaded, with the Compose variable interpolation resolved to its defaults. */
final class ComposeFile {

    static final String FILE = "docker-compose.yml";

    private static final Pattern VARIABLE = Pattern.compile(
            "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

    final Map<String, Object> root;

    ComposeFile() {
        this.root = Yamls.load(Repository.path(FILE));
    }

    Map<String, Object> services() {
        return Yamls.map(root, "services");
    }

    Map<String, Object> service(String name) {
        return Yamls.map(services(), name);
    }

    /** A service's environment as written (map or KEY=VALUE list), values uninterpolated. */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> map) {
            map.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : Objects.toString(v)));
        } else if (raw instanceof List<?> list) {
            for (Object item : list) {
                String entry = String.valueOf(item);
                int eq = entry.indexOf('=');
                env.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
            }
        }
        return env;
    }

    /**
     * The value Compose gives with no variable set in the environment or .env: ${X:-d} and ${X-d} give
     * d, ${X} gives "", and a required ${X:?msg} gives the marker "<X>" (validation would stop there).
     */
    static String interpolate(String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else if (m.group(4) != null) {
                replacement = "";
            } else if (m.group(2) == null) {
                replacement = "";
            } else if (m.group(2).endsWith("?")) {
                replacement = "<" + m.group(1) + ">";
            } else {
                replacement = m.group(3);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** True when the whole value comes from the named variable: "${NAME}", "${NAME:-...}", "${NAME:?...}". */
    static boolean isTakenFromVariable(String raw, String variable) {
        return raw.trim().matches("\\$\\{" + Pattern.quote(variable) + "(:?[-?][^}]*)?}");
    }

    /** The names of the variables a value requires (${X:?...} / ${X?...}). */
    static List<String> requiredVariables(String value) {
        Matcher m = VARIABLE.matcher(value);
        List<String> required = new java.util.ArrayList<>();
        while (m.find()) {
            if (m.group(2) != null && m.group(2).endsWith("?")) {
                required.add(m.group(1));
            }
        }
        return required;
    }
}

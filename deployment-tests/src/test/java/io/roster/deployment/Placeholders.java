package io.roster.deployment;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ${NAME}} / {@code ${NAME:default}} placeholders of Spring configuration values, nested
 * defaults included ({@code ${A:${B:x}}} reads A and B).
 */
final class Placeholders {

    /** One placeholder; {@code defaultValue} is null when it has none ({@code ${NAME}}). */
    record Placeholder(String name, String defaultValue) {
        boolean hasDefault() {
            return defaultValue != null;
        }

        /** An environment variable (upper case) rather than a property reference ({@code ${spring.x}}). */
        boolean isEnvironmentVariable() {
            return name.matches("[A-Z][A-Z0-9_]*");
        }
    }

    private Placeholders() {
    }

    /** The value with every placeholder replaced by its default (none: empty), as Spring would with no environment. */
    static String withDefaults(String value) {
        StringBuilder out = new StringBuilder();
        int from = 0;
        int start = value.indexOf("${");
        while (start >= 0) {
            out.append(value, from, start);
            int end = closingBrace(value, start);
            String inner = value.substring(start + 2, end);
            int colon = topLevelColon(inner);
            out.append(colon >= 0 ? withDefaults(inner.substring(colon + 1)) : "");
            from = end + 1;
            start = value.indexOf("${", from);
        }
        return out.append(value.substring(from)).toString();
    }

    /** The brace closing the placeholder at start; like Spring, a plain { inside opens a block a } closes. */
    private static int closingBrace(String value, int start) {
        int depth = 0;
        for (int i = start + 1; i < value.length(); i++) {
            if (value.charAt(i) == '{') {
                depth++;
            } else if (value.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unclosed placeholder in '" + value + "'");
    }

    private static int topLevelColon(String inner) {
        int depth = 0;
        for (int i = 0; i < inner.length(); i++) {
            if (inner.charAt(i) == '{') {
                depth++;
            } else if (inner.charAt(i) == '}') {
                depth--;
            } else if (inner.charAt(i) == ':' && depth == 0) {
                return i;
            }
        }
        return -1;
    }

    static List<Placeholder> in(String value) {
        List<Placeholder> found = new ArrayList<>();
        collect(value, found);
        return found;
    }

    private static void collect(String value, List<Placeholder> found) {
        int start = value.indexOf("${");
        while (start >= 0) {
            int end = closingBrace(value, start);
            String inner = value.substring(start + 2, end);
            int colon = topLevelColon(inner);
            String name = (colon >= 0 ? inner.substring(0, colon) : inner).trim();
            String defaultValue = colon >= 0 ? inner.substring(colon + 1) : null;
            found.add(new Placeholder(name, defaultValue));
            if (defaultValue != null) {
                collect(defaultValue, found);
            }
            start = value.indexOf("${", end + 1);
        }
    }
}

package io.roster.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The HTTP endpoints a service really serves, read from its controllers' mapping annotations
 * ({@code @RequestMapping} on the class, {@code @GetMapping} … {@code @DeleteMapping} or
 * {@code @RequestMapping(method = …)} on the methods). Path variables become a sample value.
 * Functional routes (RouterFunction) are not read.
 */
final class ControllerEndpoints {

    private static final Pattern CLASS = Pattern.compile("\\b(class|record)\\s+\\w+");
    private static final Pattern MAPPING = Pattern.compile("@(Get|Post|Put|Patch|Delete|Request)Mapping\\b(\\s*\\(([^)]*)\\))?");
    private static final Pattern NON_PATH_ATTRIBUTE = Pattern.compile(
            "\\b(produces|consumes|params|headers|name|method)\\s*=\\s*(\\{[^}]*}|\"[^\"]*\"|[\\w.]+)");
    private static final Pattern LITERAL = Pattern.compile("\"([^\"]*)\"");
    private static final Pattern REQUEST_METHOD = Pattern.compile("RequestMethod\\.(\\w+)");

    private ControllerEndpoints() {
    }

    static List<RouteSample> of(String module) {
        Path sources = Repository.path(module).resolve("src/main/java");
        List<RouteSample> endpoints = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Repository.read(file);
                if (!text.contains("@RestController") && !text.contains("@Controller")) {
                    continue;
                }
                Matcher classDeclaration = CLASS.matcher(text);
                int classStart = classDeclaration.find() ? classDeclaration.start() : 0;
                List<String> prefixes = List.of("");
                Matcher mapping = MAPPING.matcher(text);
                while (mapping.find()) {
                    String args = mapping.group(3) == null ? "" : mapping.group(3);
                    if (mapping.start() < classStart) {
                        if (mapping.group(1).equals("Request")) {
                            prefixes = paths(args);
                        }
                        continue;
                    }
                    List<String> methods = mapping.group(1).equals("Request")
                            ? REQUEST_METHOD.matcher(args).results().map(r -> r.group(1)).toList()
                            : List.of(mapping.group(1).toUpperCase(Locale.ROOT));
                    for (String prefix : prefixes) {
                        for (String path : paths(args)) {
                            for (String method : methods) {
                                String full = (prefix + path).replaceAll("\\{[^}]+}", "x1");
                                endpoints.add(new RouteSample(method, full.isEmpty() ? "/" : full, module));
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return endpoints;
    }

    private static List<String> paths(String args) {
        String pathArgs = NON_PATH_ATTRIBUTE.matcher(args).replaceAll("");
        List<String> paths = LITERAL.matcher(pathArgs).results().map(r -> r.group(1)).toList();
        return paths.isEmpty() ? List.of("") : paths;
    }
}

package io.roster.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a service module really reads, from its own files: the environment variables of the
 * placeholders in its application.yml and every file it imports (spring.config.import, e.g.
 * roster-kit.yml), its HTTP port (the SERVER_PORT default), its jar name and its Kafka consumer.
 *
 * @param module              the Maven module (= artifactId = image name)
 * @param port                the default of server.port
 * @param variables           each environment variable read, with its default (empty when it has none)
 * @param sources             the configuration files read, for messages
 * @param jar                 the fat jar, relative to the repository root
 * @param consumerGroup       spring.kafka.consumer.group-id, or null when the service consumes nothing
 * @param listenerConcurrency consumers per replica (spring.kafka.listener.concurrency or a
 *                            {@code @KafkaListener(concurrency = "n")}, default 1)
 */
record ServiceConfiguration(String module, int port, Map<String, Optional<String>> variables, List<Path> sources,
                            String jar, String consumerGroup, int listenerConcurrency) {

    private static final Pattern LISTENER_CONCURRENCY = Pattern.compile("concurrency\\s*=\\s*\"(\\d+)\"");

    static ServiceConfiguration of(String module) {
        Path moduleDir = Repository.path(module);
        Path applicationYml = moduleDir.resolve("src/main/resources/application.yml");
        Map<String, Optional<String>> variables = new LinkedHashMap<>();
        List<Path> sources = new ArrayList<>();
        List<Map<String, Object>> documents = new ArrayList<>();
        read(applicationYml, variables, sources, documents);

        Object portValue = Yamls.at(documents.get(0), "server.port");
        int port = parsePort(module, String.valueOf(portValue));
        String consumerGroup = documents.stream()
                .map(d -> Yamls.string(d, "spring.kafka.consumer.group-id"))
                .filter(v -> v != null).findFirst()
                .map(ServiceConfiguration::resolveDefaults).orElse(null);
        int concurrency = documents.stream()
                .map(d -> Yamls.string(d, "spring.kafka.listener.concurrency"))
                .filter(v -> v != null).findFirst()
                .map(v -> Integer.parseInt(resolveDefaults(v)))
                .orElseGet(() -> annotatedConcurrency(moduleDir));
        return new ServiceConfiguration(module, port, variables, sources, jarOf(module), consumerGroup, concurrency);
    }

    /** Environment variables read without a default: a deployment must set them. */
    List<String> withoutDefault() {
        return variables.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    boolean reads(String variable) {
        return variables.containsKey(variable);
    }

    private static void read(Path file, Map<String, Optional<String>> variables, List<Path> sources,
                             List<Map<String, Object>> documents) {
        if (sources.contains(file)) {
            return;
        }
        sources.add(file);
        List<Map<String, Object>> loaded = Yamls.loadAll(file);
        documents.addAll(loaded);
        for (Map<String, Object> document : loaded) {
            for (String value : Yamls.strings(document)) {
                for (Placeholders.Placeholder p : Placeholders.in(value)) {
                    if (p.isEnvironmentVariable()) {
                        variables.merge(p.name(), Optional.ofNullable(p.defaultValue()),
                                (a, b) -> a.isPresent() ? a : b);
                    }
                }
            }
            Object imports = Yamls.at(document, "spring.config.import");
            List<String> importList = imports instanceof List<?> l ? l.stream().map(String::valueOf).toList()
                    : imports == null ? List.of() : List.of(String.valueOf(imports).split(","));
            for (String location : importList) {
                String trimmed = location.trim();
                boolean optional = trimmed.startsWith("optional:");
                trimmed = trimmed.replaceFirst("^optional:", "");
                if (!trimmed.startsWith("classpath:")) {
                    throw new IllegalStateException(file + " imports " + location + ": only classpath: imports are understood");
                }
                Optional<Path> resource = findResource(trimmed.substring("classpath:".length()).replaceFirst("^/", ""));
                if (resource.isPresent()) {
                    read(resource.get(), variables, sources, documents);
                } else if (!optional) {
                    throw new IllegalStateException(file + " imports " + location + ", found in no module's src/main/resources");
                }
            }
        }
    }

    private static Optional<Path> findResource(String name) {
        return Repository.modules().stream()
                .map(m -> Repository.path(m).resolve("src/main/resources").resolve(name))
                .filter(Files::isRegularFile).findFirst();
    }

    private static int parsePort(String module, String value) {
        String resolved = resolveDefaults(value);
        try {
            return Integer.parseInt(resolved.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException(module + ": server.port '" + value + "' has no numeric default");
        }
    }

    /** A value with its placeholders replaced by their defaults ("${SERVER_PORT:8081}" → "8081"). */
    static String resolveDefaults(String value) {
        return Placeholders.withDefaults(value);
    }

    private static String jarOf(String module) {
        String pom = Repository.read(Repository.path(module).resolve("pom.xml"));
        Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(pom);
        String artifactId = module;
        Matcher artifact = Pattern.compile("</parent>.*?<artifactId>([^<]+)</artifactId>", Pattern.DOTALL).matcher(pom);
        if (artifact.find()) {
            artifactId = artifact.group(1).trim();
        }
        String name = finalName.find()
                ? finalName.group(1).trim().replace("${project.artifactId}", artifactId)
                : artifactId + "-" + Repository.version();
        return module + "/target/" + name + ".jar";
    }

    private static int annotatedConcurrency(Path moduleDir) {
        Path sources = moduleDir.resolve("src/main/java");
        if (!Files.isDirectory(sources)) {
            return 1;
        }
        try (Stream<Path> files = Files.walk(sources)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .map(Repository::read)
                    .filter(text -> text.contains("@KafkaListener"))
                    .flatMap(text -> {
                        Matcher m = LISTENER_CONCURRENCY.matcher(text);
                        List<Integer> found = new ArrayList<>();
                        while (m.find()) {
                            found.add(Integer.parseInt(m.group(1)));
                        }
                        return found.stream();
                    })
                    .max(Integer::compare).orElse(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

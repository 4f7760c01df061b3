package io.roster.events;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The checked-in event contract under {@code docs/}: {@code asyncapi.yaml} and
 * {@code events/schemas/<context>/<EventName>.v<revision>.json}, as text by path relative to {@code docs/}.
 */
final class EventContractFiles {

    static final String ASYNCAPI = "asyncapi.yaml";
    /** Set to true to write what the generator produces over the checked-in files. */
    static final String WRITE_PROPERTY = "asyncapi.write";
    static final String REFRESH_COMMAND =
            "./mvnw -B -q -pl shared-events test -Dtest=EventContractTest -D" + WRITE_PROPERTY + "=true";

    static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .disable(YAMLGenerator.Feature.SPLIT_LINES)
            .build();

    private static final String YAML_HEADER = "# Generated from shared-events (AsyncApiDocument, EventSchemas); do not edit by hand.\n"
            + "# Refresh: " + REFRESH_COMMAND + "\n";

    private final Path docs;

    private EventContractFiles(Path docs) {
        this.docs = docs;
    }

    /** The repository's docs folder, found upwards from the working directory (the module's, under Maven). */
    static EventContractFiles ofRepository() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("shared-events")) && Files.isDirectory(dir.resolve("docs"))) {
                return new EventContractFiles(dir.resolve("docs"));
            }
        }
        throw new IllegalStateException("no repository root with shared-events/ and docs/ above " + Path.of("").toAbsolutePath());
    }

    Path docs() {
        return docs;
    }

    Path path(String relative) {
        return docs.resolve(relative);
    }

    /** What the generator produces now. */
    static Map<String, String> generate() {
        Map<String, String> files = new TreeMap<>();
        files.put(ASYNCAPI, yaml(AsyncApiDocument.build()));
        EventSchemas schemas = new EventSchemas();
        for (EventSchemas.Revisioned event : EventSchemas.all()) {
            files.put(AsyncApiDocument.SCHEMAS_FOLDER + event.file(), json(schemas.schema(event)));
        }
        return files;
    }

    /** The files on disk: the document and every file under the schemas folder. */
    Map<String, String> checkedIn() {
        Map<String, String> files = new TreeMap<>();
        if (Files.exists(path(ASYNCAPI))) {
            files.put(ASYNCAPI, read(ASYNCAPI));
        }
        Path schemas = path(AsyncApiDocument.SCHEMAS_FOLDER);
        if (Files.isDirectory(schemas)) {
            try (Stream<Path> walk = Files.walk(schemas)) {
                walk.filter(Files::isRegularFile)
                        .map(file -> docs.relativize(file).toString().replace('\\', '/'))
                        .forEach(relative -> files.put(relative, read(relative)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }

    /** Replaces the checked-in contract by {@code files}: schema files of no revision any more are deleted. */
    List<String> write(Map<String, String> files) {
        List<String> written = new ArrayList<>();
        try {
            for (String stale : checkedIn().keySet()) {
                if (!files.containsKey(stale)) {
                    Files.delete(path(stale));
                }
            }
            for (Map.Entry<String, String> file : files.entrySet()) {
                Path target = path(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
                written.add(file.getKey());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return written;
    }

    JsonNode readYaml(String relative) {
        try {
            return YAML.readTree(read(relative));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + path(relative), e);
        }
    }

    JsonNode readJson(String relative) {
        try {
            return EventJson.mapper().readTree(read(relative));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + path(relative), e);
        }
    }

    private String read(String relative) {
        try {
            // a checkout with CRLF line ends holds the same contract
            return Files.readString(path(relative), StandardCharsets.UTF_8).replace("\r\n", "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String yaml(JsonNode document) {
        try {
            return YAML_HEADER + YAML.writeValueAsString(document);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String json(JsonNode schema) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        try {
            return EventJson.mapper().writer(printer).writeValueAsString(schema) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

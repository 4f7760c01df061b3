package io.roster.deployment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository these tests check: its root, the project version and the service modules. */
final class Repository {

    private static final Pattern MODULE = Pattern.compile("<module>\\s*([^<\\s]+)\\s*</module>");

    static final Path ROOT = findRoot();

    private Repository() {
    }

    private static Path findRoot() {
        String configured = System.getProperty("roster.root");
        Path candidate = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path dir = candidate.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && read(pom).contains("<artifactId>roster-parent</artifactId>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no roster-parent pom.xml at or above " + candidate);
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(String relative) {
        return read(path(relative));
    }

    /** The project version (the root pom's), which every image tag must carry. */
    static String version() {
        String configured = System.getProperty("roster.version");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String pom = read("pom.xml");
        String afterParent = pom.substring(pom.indexOf("</parent>"));
        Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(afterParent);
        if (!version.find()) {
            throw new IllegalStateException("no project version in pom.xml");
        }
        return version.group(1).trim();
    }

    /** The modules of the root pom, in order. */
    static List<String> modules() {
        List<String> modules = new ArrayList<>();
        Matcher matcher = MODULE.matcher(read("pom.xml"));
        while (matcher.find()) {
            modules.add(matcher.group(1));
        }
        return modules;
    }

    /** The deployable services: the modules with an application.yml that sets server.port. */
    static List<ServiceConfiguration> services() {
        List<ServiceConfiguration> services = new ArrayList<>();
        for (String module : modules()) {
            Path yml = path(module).resolve("src/main/resources/application.yml");
            if (Files.isRegularFile(yml) && Yamls.at(Yamls.load(yml), "server.port") != null) {
                services.add(ServiceConfiguration.of(module));
            }
        }
        if (services.isEmpty()) {
            throw new IllegalStateException("no service module (application.yml with server.port) in " + ROOT);
        }
        return services;
    }

    static ServiceConfiguration service(String module) {
        return services().stream().filter(s -> s.module().equals(module)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no service module " + module));
    }
}

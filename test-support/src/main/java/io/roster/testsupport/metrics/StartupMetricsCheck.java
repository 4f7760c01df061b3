package io.roster.testsupport.metrics;

import io.roster.testsupport.openapi.OpenApiDocumentCheck;
import org.assertj.core.api.SoftAssertions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metrics a service exposes on {@code /actuator/prometheus} as soon as it started, before any traffic: an alert
 * on {@code rate()} or {@code increase()} sees a first event only on a series that existed (at zero) before it.
 * <ul>
 *   <li>every metric the caller requires (the ones the dashboard and the alerts rely on) is there;</li>
 *   <li>the service's lines of the checked-in {@value #FILE} are exactly the names it exposes now (Roster's own,
 *       {@code roster_*}, and the Kafka consumer lag the dashboard reads); {@code -D}{@value #WRITE_PROPERTY}{@code =true}
 *       rewrites them. deployment-tests checks the dashboard's and the alerts' metrics against that file;</li>
 *   <li>{@code /actuator/info} names the build's version and the commit it was built from.</li>
 * </ul>
 * Names are Prometheus sample names with the histogram suffixes ({@code _bucket}, {@code _count}, {@code _sum})
 * taken off. Findings are collected with SoftAssertions; figures in {@code target/metrics-<service>-report.txt}, the
 * whole scrape in {@code target/metrics-<service>-scrape.txt}.
 */
public final class StartupMetricsCheck {

    /** Set to true to rewrite the service's lines of the checked-in list instead of comparing them. */
    public static final String WRITE_PROPERTY = "metrics.write";
    public static final String FILE = "docs/metrics.txt";
    /** Metrics of other families than Roster's own that the dashboard reads, listed too when a service has them. */
    static final Set<String> WATCHED_OTHERS = Set.of("kafka_consumer_fetch_manager_records_lag_max");

    private static final Logger log = LoggerFactory.getLogger(StartupMetricsCheck.class);
    private static final List<String> HISTOGRAM_SUFFIXES = List.of("_bucket", "_count", "_sum");

    private final String service;
    private final String test;
    private final WebTestClient web;

    /**
     * @param service the module name, which its lines of the list begin with
     * @param test    the test that runs this check, as {@code -Dtest=} selects it, named in the refresh command it prints
     */
    public StartupMetricsCheck(String service, String test, WebTestClient web) {
        this.service = service;
        this.test = test;
        this.web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
    }

    /** Checks the metrics, then the info endpoint; {@code required} must be exposed whatever the list says. */
    public void run(List<String> required) {
        long started = System.nanoTime();
        String scraped = fetch("/actuator/prometheus");
        Set<String> exposed = watched(names(scraped));
        long scrapeMillis = (System.nanoTime() - started) / 1_000_000;
        String info = fetch("/actuator/info");

        Path file = OpenApiDocumentCheck.repositoryRoot().resolve(FILE);
        List<String> report = new ArrayList<>();
        if (Boolean.getBoolean(WRITE_PROPERTY)) {
            write(file, exposed);
            report.add("rewrote the " + service + " lines of " + file);
        }
        Set<String> listed = listed(file).getOrDefault(service, Set.of());

        SoftAssertions softly = new SoftAssertions();
        List<String> missingRequired = required.stream().filter(name -> !exposed.contains(name)).toList();
        softly.assertThat(missingRequired).as("required metrics %s does not expose at start-up", service).isEmpty();
        Set<String> vanished = new TreeSet<>(listed);
        vanished.removeAll(exposed);
        Set<String> unlisted = new TreeSet<>(exposed);
        unlisted.removeAll(listed);
        String refresh = String.format("nice -n 10 ./mvnw -B -q -pl %s -am test -Dtest=%s -Dsurefire.failIfNoSpecifiedTests=false -D%s=true",
                service, test, WRITE_PROPERTY);
        softly.assertThat(vanished).as("metrics %s lists for %s that it no longer exposes at start-up (refresh: %s)",
                FILE, service, refresh).isEmpty();
        softly.assertThat(unlisted).as("metrics %s exposes at start-up that %s does not list (refresh: %s)",
                service, FILE, refresh).isEmpty();
        boolean version = info.matches("(?s).*\"build\"\\s*:\\s*\\{.*\"version\"\\s*:\\s*\"[^\"]+\".*");
        boolean commit = info.matches("(?s).*\"git\"\\s*:\\s*\\{.*\"commit\"\\s*:\\s*\\{.*\"id\"\\s*:\\s*\"[0-9a-f]{7,40}\".*");
        softly.assertThat(version).as("/actuator/info has build.version: %s", info).isTrue();
        softly.assertThat(commit).as("/actuator/info has git.commit.id: %s", info).isTrue();

        report.add("service: " + service);
        report.add("/actuator/prometheus before any traffic: " + scraped.lines().count() + " lines in " + scrapeMillis
                + " ms; watched metric names: " + exposed.size());
        report.add("required: " + required.size() + ", missing: " + missingRequired.size() + " " + missingRequired);
        report.add(FILE + " lists " + listed.size() + " for " + service + "; listed but not exposed: " + vanished
                + "; exposed but not listed: " + unlisted);
        report.add("/actuator/info: build.version " + (version ? "present" : "MISSING") + ", git.commit.id "
                + (commit ? "present" : "MISSING") + ": " + info);
        report.add("exposed: " + exposed);
        writeReport(report);
        writeTarget("metrics-" + service + "-scrape.txt", List.of(scraped));
        softly.assertAll();
    }

    /** The sample names of a Prometheus text exposition, histogram suffixes taken off the histograms' samples. */
    public static Set<String> names(String exposition) {
        Set<String> histograms = new TreeSet<>();
        Set<String> samples = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                if (parts.length >= 4 && (parts[3].equals("histogram") || parts[3].equals("summary"))) {
                    histograms.add(parts[2]);
                }
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int end = 0;
                while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                    end++;
                }
                samples.add(line.substring(0, end));
            }
        }
        Set<String> names = new TreeSet<>();
        for (String sample : samples) {
            names.add(HISTOGRAM_SUFFIXES.stream().filter(sample::endsWith)
                    .map(suffix -> sample.substring(0, sample.length() - suffix.length()))
                    .filter(histograms::contains).findFirst().orElse(sample));
        }
        return names;
    }

    static Set<String> watched(Set<String> names) {
        Set<String> watched = new TreeSet<>();
        names.stream().filter(name -> name.startsWith("roster_") || WATCHED_OTHERS.contains(name)).forEach(watched::add);
        return watched;
    }

    /** The checked-in list: "service metric" lines, comments after '#'. */
    public static Map<String, Set<String>> listed(Path file) {
        Map<String, Set<String>> byService = new java.util.TreeMap<>();
        for (String line : lines(file)) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#")) {
                continue;
            }
            String[] parts = text.split("\\s+");
            byService.computeIfAbsent(parts[0], s -> new TreeSet<>()).add(parts.length > 1 ? parts[1] : "");
        }
        return byService;
    }

    private void write(Path file, Set<String> exposed) {
        List<String> comments = new ArrayList<>();
        Set<String> entries = new TreeSet<>();
        for (String line : lines(file)) {
            if (line.startsWith("#")) {
                comments.add(line);
            } else if (!line.isBlank() && !line.strip().split("\\s+")[0].equals(service)) {
                entries.add(line.strip());
            }
        }
        exposed.forEach(name -> entries.add(service + " " + name));
        List<String> out = new ArrayList<>(comments);
        out.addAll(entries);
        try {
            Files.write(file, out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String fetch(String path) {
        byte[] body = web.get().uri(path).exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        return new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8);
    }

    private void writeReport(List<String> lines) {
        lines.forEach(line -> log.info("metrics {}: {}", service, line));
        writeTarget("metrics-" + service + "-report.txt", lines);
    }

    private static void writeTarget(String name, List<String> lines) {
        Path target = Path.of("target");
        try {
            Files.createDirectories(target);
            Files.write(target.resolve(name), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.roster.deployment;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Grafana dashboard and the alerts of k8s/ read only metrics the services expose: every metric name in the
 * dashboard's PromQL and in the alerts' {@code expr} is in docs/metrics.txt, which each service's
 * StartupMetricsTest keeps equal to what it exposes on /actuator/prometheus at start-up. Also: both are in the base
 * kustomization (so in every overlay), the dashboard carries the sidecar's label, and the alerts of issue 15 exist.
 */
class MonitoringTest {

    private static final Logger log = LoggerFactory.getLogger(MonitoringTest.class);
    static final Set<String> ALERTS = Set.of("RosterRelayLagHigh", "RosterDeadLetter", "RosterProjectionLagHigh",
            "RosterConsumerNotReady", "RosterRateLimitRefusalsSpiking");
    /** PromQL words that look like names: operators, grouping and matching modifiers. */
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");

    @Test
    void everyMetricOfTheDashboardAndTheAlertsIsOneTheServicesExpose() throws IOException {
        List<Map<String, Object>> rendered = KustomizeSubset.render(Manifests.overlayDir("prod"));
        Map<String, Set<String>> listed = listed(Repository.path("docs/metrics.txt"));
        Set<String> exposed = new TreeSet<>();
        listed.values().forEach(exposed::addAll);
        Set<String> recorded = new TreeSet<>();

        Map<String, String> queries = new TreeMap<>();
        List<Map<String, Object>> dashboards = rendered.stream().filter(d -> "ConfigMap".equals(d.get("kind"))
                && "1".equals(String.valueOf(Yamls.map(d, "metadata.labels").get("grafana_dashboard")))).toList();
        for (Map<String, Object> dashboard : dashboards) {
            for (Map.Entry<String, Object> json : Yamls.map(dashboard, "data").entrySet()) {
                Map<String, Object> parsed = Yamls.loadAll(String.valueOf(json.getValue()), json.getKey()).get(0);
                for (Map<String, Object> panel : Yamls.maps(parsed, "panels")) {
                    for (Map<String, Object> target : Yamls.maps(panel, "targets")) {
                        queries.put("panel '" + panel.get("title") + "' " + target.get("refId"), String.valueOf(target.get("expr")));
                    }
                }
            }
        }
        Set<String> alerts = new TreeSet<>();
        List<Map<String, Object>> rules = rendered.stream().filter(d -> "PrometheusRule".equals(d.get("kind"))).toList();
        for (Map<String, Object> rule : rules) {
            for (Map<String, Object> group : Yamls.maps(rule, "spec.groups")) {
                for (Map<String, Object> r : Yamls.maps(group, "rules")) {
                    if (r.get("record") != null) {
                        recorded.add(String.valueOf(r.get("record")));
                        queries.put("recording rule " + r.get("record"), String.valueOf(r.get("expr")));
                    } else {
                        alerts.add(String.valueOf(r.get("alert")));
                        queries.put("alert " + r.get("alert"), String.valueOf(r.get("expr")));
                    }
                }
            }
        }

        Map<String, Set<String>> unknown = new TreeMap<>();
        Set<String> used = new TreeSet<>();
        queries.forEach((where, expr) -> {
            for (String name : metricNames(expr)) {
                used.add(name);
                if (!exposed.contains(name) && !recorded.contains(name)) {
                    unknown.computeIfAbsent(name, n -> new TreeSet<>()).add(where);
                }
            }
        });
        long serviceMonitors = rendered.stream().filter(d -> "ServiceMonitor".equals(d.get("kind"))).count();

        List<String> report = new ArrayList<>();
        report.add("dashboards (ConfigMaps labelled grafana_dashboard=1): " + dashboards.size() + ", PrometheusRules: "
                + rules.size() + ", ServiceMonitors: " + serviceMonitors);
        report.add("queries: " + queries.size() + " (panels' targets, alerts' and recording rules' expr)");
        report.add("metrics used: " + used.size() + " " + used);
        report.add("docs/metrics.txt: " + exposed.size() + " names of " + listed.keySet());
        report.add("used but exposed by no service: " + unknown);
        report.add("alerts: " + alerts);
        report.forEach(line -> log.info("monitoring: {}", line));
        Files.createDirectories(Path.of("target"));
        Files.write(Path.of("target/monitoring-report.txt"), report, StandardCharsets.UTF_8);

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(dashboards).as("a Grafana dashboard ConfigMap in the rendered prod overlay").hasSize(1);
        softly.assertThat(rules).as("a PrometheusRule in the rendered prod overlay").hasSize(1);
        softly.assertThat(serviceMonitors).as("a ServiceMonitor in the rendered prod overlay").isEqualTo(1);
        softly.assertThat(listed.keySet()).as("services listed in docs/metrics.txt")
                .containsAll(Repository.services().stream().map(ServiceConfiguration::module).toList());
        softly.assertThat(queries).as("queries found").isNotEmpty();
        softly.assertThat(unknown).as("metrics the dashboard or the alerts read that no service exposes (docs/metrics.txt)").isEmpty();
        softly.assertThat(alerts).as("the alerts of issue 15").containsAll(ALERTS);
        softly.assertAll();
    }

    @Test
    void readsTheMetricNamesOfAQuery() {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(metricNames("histogram_quantile(0.99, sum by (group, le) (rate(roster_x_seconds_bucket{job=\"a\"}[5m]))) > 5"))
                .containsExactly("roster_x_seconds");
        softly.assertThat(metricNames("sum by (limit) (rate(a_total[5m])) > 0.2 and b > 5 * sum(rate(a_total[1d] offset 1h))"))
                .containsExactly("a_total", "b");
        softly.assertThat(metricNames("max by (job) (up{job=~\"roster.*\"}) == 0 unless on (job) c_count"))
                .containsExactly("c", "up");
        softly.assertAll();
    }

    /** The metric names a PromQL expression reads, histogram suffixes (_bucket, _count, _sum) taken off. */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\boffset\\s+\\S+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(bare);
        while (m.find()) {
            String name = m.group(1);
            if (!KEYWORDS.contains(name.toLowerCase())) {
                names.add(name.replaceAll("_(bucket|count|sum)$", ""));
            }
        }
        return names;
    }

    /** docs/metrics.txt: "service metric" lines; '#' starts a comment. */
    static Map<String, Set<String>> listed(Path file) {
        Map<String, Set<String>> byService = new TreeMap<>();
        for (String line : Repository.read(file).split("\n")) {
            String text = line.strip();
            if (!text.isEmpty() && !text.startsWith("#")) {
                String[] parts = text.split("\\s+");
                byService.computeIfAbsent(parts[0], s -> new TreeSet<>()).add(parts.length > 1 ? parts[1] : "");
            }
        }
        return byService;
    }
}

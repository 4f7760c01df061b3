package io.roster.localstack.bench;

import io.roster.localstack.LocalStackConfig;
import io.roster.localstack.Ports;
import io.roster.localstack.RunningStack;
import io.roster.localstack.StackHttp;
import io.roster.localstack.TestPorts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 14's lag under load, on the whole suite as separate processes (the launcher's stack, ports of block 30, a
 * temporary data folder). At each offered rate (default 0, 25, 50, 100, 200 commands/s, {@code -Dbench.rates}) for
 * {@code -Dbench.seconds} (default 20) it runs an open-model mixed workload over {@value #ORGANIZATIONS} organizations:
 * commands (creating teams, 9 in 10, and organizations) at the offered rate on a pool of {@value #CLIENTS} clients,
 * plus member-list reads at half that rate; and, the whole time, a probe that every {@value #PROBE_MILLIS} ms creates
 * an organization and times when it becomes readable:
 * <ul>
 *   <li>odd probes poll {@code GET /api/v1/organizations/{id}} without a Consistency-Token, every {@value #POLL_MILLIS}
 *       ms or a tenth of the time waited so far if longer: event → query visibility (from the command's answer to the
 *       first 200, within 10%);</li>
 *   <li>even probes read it once with the command's Consistency-Token: how long that read waits.</li>
 * </ul>
 * Printed per rate: the achieved command rate, command latency p50/p99, visibility p50/p99/max, token wait p50/p99 and
 * the answers that were not 2xx. The idle row (rate 0: the probe alone) is the baseline of the same run. Targets
 * (issue 14): visibility p99 ≤ 100 ms idle and ≤ 1 s at 100 commands/s. Rate limits are off (one client address).
 *
 * <pre>
 * ./mvnw -B package -DskipTests        (once: the four service jars)
 * ./mvnw -B -pl local-stack -am test-compile exec:java@lag-under-load-benchmark [-Dbench.rates=0,25,50,100,200 -Dbench.seconds=20]
 * </pre>
 * The report is also written to {@code local-stack/target/lag-under-load-report.txt}.
 */
public final class LagUnderLoadBenchmark {

    private static final Logger log = LoggerFactory.getLogger(LagUnderLoadBenchmark.class);
    private static final Ports PORTS = TestPorts.block(30);
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    private static final int ORGANIZATIONS = 20;
    private static final int CLIENTS = 64;
    private static final long PROBE_MILLIS = 200;
    private static final long POLL_MILLIS = 10;
    private static final Duration PROBE_GIVE_UP = Duration.ofSeconds(30);

    private final List<Integer> rates = Arrays.stream(System.getProperty("bench.rates", "0,25,50,100,200").split(","))
            .map(String::strip).map(Integer::valueOf).toList();
    private final int seconds = Integer.getInteger("bench.seconds", 20);
    private final StackHttp http = new StackHttp();
    private final List<String> organizations = new ArrayList<>();
    private final AtomicInteger names = new AtomicInteger();
    private final RunningStack stack;
    private String admin;

    private LagUnderLoadBenchmark(RunningStack stack) {
        this.stack = stack;
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Files.createTempDirectory("roster-lag-under-load-benchmark");
        LocalStackConfig config = LocalStackConfig.resolve(new String[0], System.getProperties(), Map.of(), Path.of(""))
                .withDataDir(dataDir)
                .withPorts(PORTS)
                .withServiceEnvironment(Map.of("ROSTER_RATE_LIMITS_ENABLED", "false"));
        try (RunningStack stack = RunningStack.start(config)) {
            new LagUnderLoadBenchmark(stack).run();
        } catch (Exception | AssertionError e) {
            log.error("The lag-under-load benchmark failed; the services' logs are in {}", dataDir.resolve("logs"), e);
            System.exit(1);
        }
        System.exit(0);
    }

    private void run() throws Exception {
        admin = http.login(IDENTITY, LocalStackConfig.DEFAULT_ADMIN_EMAIL, LocalStackConfig.DEFAULT_ADMIN_PASSWORD);
        for (int o = 0; o < ORGANIZATIONS; o++) {
            organizations.add(createOrganization().id());
        }
        measure(Math.max(1, rates.stream().mapToInt(Integer::intValue).max().orElse(25) / 4), Math.min(seconds, 10)); // warm-up
        List<Level> levels = new ArrayList<>();
        for (int rate : rates) {
            levels.add(measure(rate, seconds));
        }
        String report = report(levels);
        log.info("{}", report);
        Path file = LocalStackConfig.findRepositoryRoot(Path.of("")).resolve("local-stack/target/lag-under-load-report.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, report);
    }

    /** What one offered rate gave. */
    private record Level(int offered, double achieved, Latencies commandLatencies, Latencies visibility, Latencies tokenWaits,
                         Map<String, Integer> failures, long commands, Map<String, Long> cpuNanos,
                         StackMongoCommands mongoCommands) {

        /** CPU milliseconds per command (the load's and the probe's), each process and all of them. */
        Map<String, Double> cpuMillisPerCommand() {
            Map<String, Double> perCommand = new java.util.LinkedHashMap<>();
            cpuNanos.forEach((process, nanos) -> perCommand.put(process, nanos / 1e6 / Math.max(1, commands)));
            perCommand.put("total", cpuNanos.values().stream().mapToLong(Long::longValue).sum() / 1e6 / Math.max(1, commands));
            return perCommand;
        }
    }

    private Level measure(int rate, int forSeconds) throws Exception {
        Latencies commands = new Latencies();
        Latencies visibility = new Latencies();
        Latencies tokenWaits = new Latencies();
        Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        ExecutorService probes = Executors.newCachedThreadPool();
        ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2);
        AtomicLong done = new AtomicLong();
        AtomicInteger probeNumber = new AtomicInteger();
        Map<String, Long> cpuBefore = cpuNanos();
        StackMongoCommands mongoBefore = StackMongoCommands.of(http, PORTS);
        long started = System.nanoTime();
        try {
            if (rate > 0) {
                pacer.scheduleAtFixedRate(() -> clients.execute(() -> command(commands, failures, done)),
                        0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
                pacer.scheduleAtFixedRate(() -> clients.execute(() -> read(failures)), 0, 2_000_000_000L / rate, TimeUnit.NANOSECONDS);
            }
            pacer.scheduleAtFixedRate(() -> probes.execute(() -> probe(probeNumber.incrementAndGet() % 2 == 1 ? visibility : null,
                    tokenWaits, failures)), 0, PROBE_MILLIS, TimeUnit.MILLISECONDS);
            LockSupport.parkNanos(Duration.ofSeconds(forSeconds).toNanos());
        } finally {
            pacer.shutdownNow();
            clients.shutdown();
            probes.shutdown();
            clients.awaitTermination(1, TimeUnit.MINUTES);
            probes.awaitTermination(1, TimeUnit.MINUTES);
        }
        double achieved = done.get() / ((System.nanoTime() - started) / 1e9);
        Map<String, Long> cpu = cpuNanos();
        cpu.replaceAll((process, nanos) -> nanos - cpuBefore.getOrDefault(process, 0L));
        StackMongoCommands mongo = StackMongoCommands.of(http, PORTS).since(mongoBefore);
        return new Level(rate, achieved, commands, visibility, tokenWaits, new java.util.TreeMap<>(failures),
                done.get() + probeNumber.get(), cpu, mongo);
    }

    /**
     * CPU time so far of each process of the stack, and of this JVM as "launcher": it hosts the Mongo-wire server and
     * GreenMail as the launcher does, and also this load's clients, so its figure is an upper bound for the server.
     */
    private Map<String, Long> cpuNanos() {
        Map<String, Long> cpu = new java.util.LinkedHashMap<>();
        cpu.put("launcher", ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime());
        stack.childProcesses().forEach((name, process) -> cpu.put(name,
                process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)));
        return cpu;
    }

    /** Nine in ten: a team in one of the organizations; else a new organization. */
    private void command(Latencies latencies, Map<String, Integer> failures, AtomicLong done) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long sent = System.nanoTime();
        try {
            HttpResponse<String> answer = random.nextInt(10) < 9
                    ? http.post(IDENTITY + "/api/v1/organizations/" + organizations.get(random.nextInt(ORGANIZATIONS)) + "/teams", admin,
                    "{\"name\":\"Team " + names.incrementAndGet() + "\"}")
                    : http.post(IDENTITY + "/api/v1/organizations", admin, "{\"name\":\"Load " + names.incrementAndGet() + "\"}");
            latencies.add(System.nanoTime() - sent);
            countFailure(failures, "command", answer);
            done.incrementAndGet();
        } catch (Exception e) {
            failures.merge("command " + e.getClass().getSimpleName(), 1, Integer::sum);
        }
    }

    private void read(Map<String, Integer> failures) {
        String organization = organizations.get(ThreadLocalRandom.current().nextInt(ORGANIZATIONS));
        try {
            countFailure(failures, "read", http.get(QUERY + "/api/v1/organizations/" + organization + "/members?limit=50", admin));
        } catch (Exception e) {
            failures.merge("read " + e.getClass().getSimpleName(), 1, Integer::sum);
        }
    }

    /** Creates an organization; then polls for it without a token ({@code visibility} given) or reads it with one. */
    private void probe(Latencies visibility, Latencies tokenWaits, Map<String, Integer> failures) {
        try {
            Created created = createOrganization();
            String url = QUERY + "/api/v1/organizations/" + created.id();
            if (visibility == null) {
                long sent = System.nanoTime();
                HttpResponse<String> read = http.get(url, admin, Map.of("Consistency-Token", created.consistencyToken()));
                tokenWaits.add(System.nanoTime() - sent);
                countFailure(failures, "read with token", read);
                return;
            }
            long deadline = created.answeredAt() + PROBE_GIVE_UP.toNanos();
            while (http.get(url, admin).statusCode() != 200) {
                if (System.nanoTime() > deadline) {
                    failures.merge("probe not visible within " + PROBE_GIVE_UP.toSeconds() + " s", 1, Integer::sum);
                    return;
                }
                // a tenth of the time waited so far (at least POLL_MILLIS): the figure is within 10%, and the probes of a
                // lagging query service do not poll it every 10 ms each, which made the load they measure grow with the lag
                LockSupport.parkNanos(Math.max(Duration.ofMillis(POLL_MILLIS).toNanos(), (System.nanoTime() - created.answeredAt()) / 10));
            }
            visibility.add(System.nanoTime() - created.answeredAt());
        } catch (Exception e) {
            failures.merge("probe " + e.getClass().getSimpleName(), 1, Integer::sum);
        }
    }

    private record Created(String id, String consistencyToken, long answeredAt) {
    }

    private Created createOrganization() throws Exception {
        HttpResponse<String> answer = http.post(IDENTITY + "/api/v1/organizations", admin, "{\"name\":\"Probe " + names.incrementAndGet() + "\"}");
        long answeredAt = System.nanoTime();
        String id = http.created(answer, "organizationId");
        return new Created(id, answer.headers().firstValue("Consistency-Token").orElseThrow(), answeredAt);
    }

    private static void countFailure(Map<String, Integer> failures, String what, HttpResponse<String> answer) {
        if (answer.statusCode() / 100 != 2) {
            failures.merge(what + " " + answer.statusCode(), 1, Integer::sum);
        }
    }

    private static String abbreviate(String process) {
        return process.replace("-command-service", "").replace("-service", "");
    }

    private String report(List<Level> levels) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%nLag under load: %d s per rate, %d organizations, "
                + "%d clients; probe every %d ms (polls every %d ms or a tenth of the wait); times in ms%n", seconds, ORGANIZATIONS, CLIENTS, PROBE_MILLIS, POLL_MILLIS));
        text.append(String.format(Locale.ROOT, "%8s %9s | %8s %8s | %10s %10s %10s | %9s %9s | %s%n", "offered", "achieved",
                "cmd p50", "cmd p99", "visib p50", "visib p99", "visib max", "token p50", "token p99", "not 2xx"));
        for (Level level : levels) {
            text.append(String.format(Locale.ROOT, "%8d %9.1f | %8d %8d | %10d %10d %10d | %9d %9d | %s%n", level.offered(), level.achieved(),
                    level.commandLatencies().percentileMillis(50), level.commandLatencies().percentileMillis(99),
                    level.visibility().percentileMillis(50), level.visibility().percentileMillis(99), level.visibility().percentileMillis(100),
                    level.tokenWaits().percentileMillis(50), level.tokenWaits().percentileMillis(99), level.failures()));
        }
        text.append("(achieved counts the load's commands, not the probe's 5 organizations a second; the idle row is the baseline)\n");
        text.append(String.format(Locale.ROOT, "%nCPU ms per command (the load's and the probe's; 'launcher' also runs this load's clients)%n"));
        List<String> processes = new ArrayList<>(levels.get(0).cpuMillisPerCommand().keySet());
        text.append(String.format(Locale.ROOT, "%8s", "offered"));
        processes.forEach(process -> text.append(String.format(Locale.ROOT, " %12s", abbreviate(process))));
        text.append('\n');
        for (Level level : levels) {
            text.append(String.format(Locale.ROOT, "%8d", level.offered()));
            level.cpuMillisPerCommand().values().forEach(millis -> text.append(String.format(Locale.ROOT, " %12.1f", millis)));
            text.append('\n');
        }
        text.append(String.format(Locale.ROOT, "%nMongoDB commands per command (each service's driver metrics)%n"));
        for (Level level : levels) {
            text.append(String.format(Locale.ROOT, "%8d  %s%n", level.offered(), level.mongoCommands().perOperation(level.commands())));
        }
        text.append(String.format(Locale.ROOT, "%nMongoDB commands per command by collection%n"));
        for (Level level : levels) {
            if (level.offered() > 0) {
                text.append(String.format(Locale.ROOT, "%8d%n%s", level.offered(), level.mongoCommands().perOperationByCollection(level.commands())));
            }
        }
        text.append("targets: visibility p99 <= 100 ms idle, <= 1000 ms at 100 commands/s\n");
        return text.toString();
    }

}

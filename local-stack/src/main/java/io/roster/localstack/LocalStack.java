package io.roster.localstack;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one-command local stack (PRODUCT.md §6): a real Kafka broker (KRaft) in its own process, the Mongo-wire
 * server and GreenMail inside this JVM, and the four services as separate processes.
 *
 * <p>{@link #start(LocalStackConfig)} returns once everything is ready; {@link #close()} stops everything and is
 * what Ctrl-C runs (through a shutdown hook registered before the first process starts).
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalStack.class);
    private static final Duration SERVICE_STOP_GRACE = Duration.ofSeconds(30);
    private static final Duration KAFKA_STOP_GRACE = Duration.ofSeconds(60);
    private static final String HOST = KafkaBroker.HOST;

    private final LocalStackConfig config;
    private final DataFolder data;
    private final Thread shutdownHook;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final Object lock = new Object();
    private boolean closed;

    private ChildProcess kafka;
    private final Map<RosterService, ChildProcess> services = new EnumMap<>(RosterService.class);
    /** By module name (the services' and the console's). */
    private final Map<String, StartupImage> startupImages = new LinkedHashMap<>();
    private ChildProcess console;
    private MongoWireServer mongo;
    private MailCatcher mail;
    private boolean dataLocked;
    private volatile Duration startupTime;

    private LocalStack(LocalStackConfig config) {
        this.config = config;
        this.data = new DataFolder(config.dataDir());
        this.shutdownHook = new Thread(this::close, "local-stack-shutdown");
    }

    public static void main(String[] args) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            log.info("\n{}", LocalStackConfig.usage());
            return;
        }
        LocalStackConfig config;
        try {
            config = LocalStackConfig.resolve(args, System.getProperties(), System.getenv(), Path.of(""));
        } catch (IllegalArgumentException e) {
            log.error("{}\n{}", e.getMessage(), LocalStackConfig.usage());
            System.exit(2);
            return;
        }
        try {
            LocalStack.start(config).awaitTermination();
        } catch (StartupException e) {
            log.error("The local stack did not start: {}", e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts everything and returns when every part is ready.
     *
     * @throws StartupException when a part cannot start (everything started so far is stopped again)
     */
    public static LocalStack start(LocalStackConfig config) {
        LocalStack stack = new LocalStack(config);
        Runtime.getRuntime().addShutdownHook(stack.shutdownHook);
        try {
            stack.startAll();
            return stack;
        } catch (StartupException e) {
            stack.close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stack.close();
            throw new StartupException("interrupted during start-up", e);
        } catch (TimeoutException | IOException | RuntimeException e) {
            stack.close();
            throw new StartupException(e.getMessage(), e);
        }
    }

    private void startAll() throws IOException, InterruptedException, TimeoutException {
        long started = System.nanoTime();
        long deadline = started + config.startupTimeout().toNanos();
        log.info("Starting the Roster local stack: repository {}, data folder {}, services {}",
                config.repositoryRoot(), config.dataDir(),
                config.services().isEmpty() ? "none" : config.services().stream()
                        .map(RosterService::module).collect(Collectors.joining(", ")));

        checkPortsAreFree();
        for (RosterService service : config.services()) {
            if (!Files.isRegularFile(config.jarOf(service))) {
                throw new StartupException(service.module() + "'s jar is missing: " + config.jarOf(service)
                        + ". Build it with ./mvnw -B -DskipTests -pl local-stack -am package (local-stack.sh does), "
                        + "or start without it (--services=...)");
            }
        }
        if (config.console() && !Files.isRegularFile(config.consoleJar())) {
            throw new StartupException("the admin console's jar is missing: " + config.consoleJar()
                    + ". Build it with ./mvnw -B -DskipTests -pl local-stack -am package (local-stack.sh does), "
                    + "or start without it (--console=false)");
        }
        String classpath = config.ownKafka() ? KafkaBroker.classpath(config) : null;
        data.prepareAndLock();
        dataLocked = true;
        String tokenKey = data.tokenEncryptionKey();

        ChildProcess broker = null;
        if (config.ownKafka()) {
            List<String> kafkaCommand = KafkaBroker.prepare(config, data, classpath);
            broker = guarded(
                    () -> ChildProcess.start("kafka", kafkaCommand, Map.of(), data.kafka(), data.logFile("kafka")),
                    process -> kafka = process);
            log.info("Kafka broker starting (pid {}), log {}", broker.pid(), broker.logFile());
        } else {
            log.info("No Kafka broker of its own: the services use {}", config.kafkaBootstrapServers());
        }
        guarded(() -> MongoWireServer.start(data.mongoFile(), config.ports().mongo()), server -> mongo = server);
        guarded(() -> MailCatcher.start(config.ports().smtp(), config.ports().imap(), config.ports().inbox()),
                catcher -> mail = catcher);

        if (broker != null) {
            KafkaBroker.awaitReady(broker, config.ports().kafka(), deadline);
            log.info("Kafka broker ready on {}:{} after {}", HOST, config.ports().kafka(), seconds(System.nanoTime() - started));
        }

        prepareStartupImages(tokenKey);
        for (RosterService service : config.services()) {
            startService(service, tokenKey);
        }
        if (config.console()) {
            startConsole();
        }
        awaitServicesReady(config.services(), started, deadline);
        if (config.console()) {
            awaitConsoleReady(started, deadline);
        }

        startupTime = Duration.ofNanos(System.nanoTime() - started);
        log.info(banner());
    }

    /**
     * The environment a service of this stack was started with: a test starts a second process of the service
     * with it (another port, a proxy in front of MongoDB) to run it as N replicas sharing one database.
     */
    Map<String, String> environmentOf(RosterService service) throws IOException {
        return environmentOf(service, data.tokenEncryptionKey());
    }

    /**
     * Each service's and the console's {@link StartupImage}, trained (the first time after a build) against this
     * stack's MongoDB and Kafka with the environment the service gets, but a data folder of its own.
     */
    private void prepareStartupImages(String tokenKey) throws IOException, InterruptedException {
        Map<String, StartupImage.Training> trainings = new LinkedHashMap<>();
        for (RosterService service : config.services()) {
            Map<String, String> env = new LinkedHashMap<>(environmentOf(service, tokenKey));
            env.put("ROSTER_DATA_DIR", data.root().resolve("training").resolve(service.module()).toString());
            trainings.put(service.module(), training(service.module(), config.jarOf(service), env));
        }
        if (config.console()) {
            trainings.put(Ports.ADMIN_CONSOLE, training(Ports.ADMIN_CONSOLE, config.consoleJar(), consoleEnvironment()));
        }
        long started = System.nanoTime();
        startupImages.putAll(StartupImage.prepare(trainings));
        log.info("Startup images ready after {}", seconds(System.nanoTime() - started));
    }

    private StartupImage.Training training(String module, Path jar, Map<String, String> environment) {
        return new StartupImage.Training(module, jar, config.serviceJvmOptions(), environment,
                data.root().resolve("training").resolve(module), data.logFile(module + "-training"));
    }

    /**
     * The command that starts a process of {@code service} (JVM options, then its {@link StartupImage}); a test
     * starts a second process of a service with it.
     */
    List<String> serviceCommand(RosterService service) {
        return command(startupImages.get(service.module()));
    }

    private List<String> command(StartupImage image) {
        List<String> command = new ArrayList<>();
        command.add(javaExecutable());
        command.addAll(config.serviceJvmOptions());
        command.addAll(image.launchArguments());
        return command;
    }

    private void startService(RosterService service, String tokenKey) throws IOException {
        List<String> command = serviceCommand(service);
        ChildProcess child = guarded(() -> ChildProcess.start(service.module(), command,
                environmentOf(service, tokenKey), data.serviceDir(service), data.logFile(service.module())),
                process -> services.put(service, process));
        log.info("{} starting (pid {}) on port {}, log {}", service.module(), child.pid(),
                config.ports().of(service), child.logFile());
    }

    /**
     * The admin console: one more process, a client of the services' public HTTP API like any frontend (no database,
     * no Kafka), so it gets only their addresses. It starts with the services and is ready once its own readiness
     * answers; it does not wait for the services (its pages say when the API cannot be reached).
     */
    private void startConsole() throws IOException {
        Ports ports = config.ports();
        List<String> command = command(startupImages.get(Ports.ADMIN_CONSOLE));
        Map<String, String> env = consoleEnvironment();
        Path workingDirectory = data.root().resolve("services").resolve(Ports.ADMIN_CONSOLE);
        ChildProcess child = guarded(() -> ChildProcess.start(Ports.ADMIN_CONSOLE, command, env, workingDirectory,
                data.logFile(Ports.ADMIN_CONSOLE)), process -> console = process);
        log.info("{} starting (pid {}) on port {}, log {}", Ports.ADMIN_CONSOLE, child.pid(), ports.console(), child.logFile());
    }

    private Map<String, String> consoleEnvironment() {
        Ports ports = config.ports();
        Map<String, String> env = new LinkedHashMap<>();
        System.getenv().keySet().stream().filter(name -> name.startsWith("ROSTER_")).forEach(name -> env.put(name, null));
        env.put("SERVER_PORT", Integer.toString(ports.console()));
        env.put("SERVER_ADDRESS", HOST);
        env.put("ROSTER_IDENTITY_URL", "http://" + HOST + ":" + ports.identity());
        env.put("ROSTER_INVITATION_URL", "http://" + HOST + ":" + ports.invitation());
        env.put("ROSTER_QUERY_URL", "http://" + HOST + ":" + ports.query());
        env.put("ROSTER_NOTIFICATION_URL", "http://" + HOST + ":" + ports.notification());
        // the one service setting the console takes too: a test's renewal window longer than the tokens' lifetime makes
        // every console request renew its session's token, instead of the tenth minute before expiry an hour on
        String renewalWindow = config.extraServiceEnvironment().get("ROSTER_CONSOLE_RENEWAL_WINDOW");
        if (renewalWindow != null) {
            env.put("ROSTER_CONSOLE_RENEWAL_WINDOW", renewalWindow);
        }
        return env;
    }

    /** The console's address, pages under {@code /console/}. */
    public String consoleUrl() {
        return "http://" + HOST + ":" + config.ports().console() + "/console/";
    }

    private void awaitConsoleReady(long started, long deadline) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        try {
            Waits.waitUntil("the admin console to be ready", deadline, () -> {
                if (!console.isAlive()) {
                    throw new StartupException(Ports.ADMIN_CONSOLE + " exited during start-up with code " + console.exitCode()
                            + "; see " + console.logFile() + "\n--- last lines ---\n" + console.tailOfLog(40));
                }
                return isReady(http, config.ports().console());
            });
        } catch (TimeoutException e) {
            throw new StartupException("the admin console was not ready within " + config.startupTimeout().toSeconds()
                    + " s; see " + console.logFile() + "\n--- last lines ---\n" + console.tailOfLog(15));
        }
        log.info("{} ready after {}", Ports.ADMIN_CONSOLE, seconds(System.nanoTime() - started));
    }

    /**
     * Kills one running service with SIGKILL, as a crash would (for fault tests): no graceful stop, its leases and
     * Kafka group membership are left to expire. {@link #restart} starts it again.
     */
    void kill(RosterService service) throws InterruptedException {
        ChildProcess child;
        synchronized (lock) {
            child = services.get(service);
        }
        child.kill();
        log.info("{} killed with SIGKILL (exit code {})", child, child.exitCode());
    }

    /**
     * Starts a killed service again on the same port, data and environment (its previous log is kept as
     * {@code <log>.1}), and returns once it is ready.
     */
    void restart(RosterService service) throws IOException, InterruptedException, TimeoutException {
        long started = System.nanoTime();
        synchronized (lock) {
            if (services.get(service).isAlive()) {
                throw new IllegalStateException(service.module() + " is still running");
            }
        }
        startService(service, data.tokenEncryptionKey());
        try {
            awaitServicesReady(List.of(service), started, started + config.startupTimeout().toNanos());
        } catch (StartupException e) {
            throw new TimeoutException(e.getMessage());
        }
    }

    /** The environment contract of the services (see the module's README section in the root README). */
    Map<String, String> environmentOf(RosterService service, String tokenEncryptionKey) {
        Ports ports = config.ports();
        Map<String, String> env = new LinkedHashMap<>();
        // inherited ROSTER_* variables must not leak into the children: the stack defines their whole contract
        System.getenv().keySet().stream().filter(name -> name.startsWith("ROSTER_")).forEach(name -> env.put(name, null));
        env.put("SERVER_PORT", Integer.toString(ports.of(service)));
        // on this machine nothing listens beyond loopback (containers set no address and listen on all)
        env.put("SERVER_ADDRESS", HOST);
        env.put("ROSTER_KAFKA_BOOTSTRAP_SERVERS", config.kafkaBootstrapServers());
        env.put("ROSTER_MONGO_URI", config.mongoUriFor(service));
        env.put("ROSTER_MONGO_DATABASE", service.database());
        env.put("ROSTER_JWKS_URI", "http://" + HOST + ":" + ports.identity() + "/.well-known/jwks.json");
        // the tokens' iss, checked by every service, and the issuer of identity's /.well-known/openid-configuration
        env.put("ROSTER_ISSUER", "http://" + HOST + ":" + ports.identity());
        env.put("ROSTER_DATA_DIR", data.serviceDir(service).toString());
        env.put("ROSTER_SMTP_HOST", HOST);
        env.put("ROSTER_SMTP_PORT", Integer.toString(ports.smtp()));
        // organizations may point their own SMTP settings at the local mail catcher (or any other local server), on
        // whatever port it listens
        env.put("ROSTER_ALLOW_PRIVATE_SMTP_HOSTS", "true");
        env.put("ROSTER_ORGANIZATION_SMTP_PORTS", "");
        env.put("ROSTER_PUBLIC_BASE_URL", "http://" + HOST + ":" + ports.invitation());
        // the /invite pages' script calls identity from the browser: its address, and identity's CORS origins
        env.put("ROSTER_IDENTITY_PUBLIC_URL", "http://" + HOST + ":" + ports.identity());
        env.put("ROSTER_BROWSER_ORIGINS", "http://" + HOST + ":" + ports.invitation() + ",http://localhost:" + ports.invitation());
        env.put("ROSTER_BOOTSTRAP_ADMIN_EMAIL", config.adminEmail());
        env.put("ROSTER_BOOTSTRAP_ADMIN_PASSWORD", config.adminPassword());
        // the admin console calls from 127.0.0.1 and names the browser in X-Forwarded-For: believed from there, the
        // per-address limits count each browser, not every console user as one. Any local client may name an address
        // then; on this machine, where every client is local anyway, that is the price of a dev stack
        env.put("ROSTER_RATE_LIMITS_TRUSTED_PROXIES", HOST + "/32");
        if (service.receivesTokenEncryptionKey()) {
            env.put("ROSTER_TOKEN_ENCRYPTION_KEY", tokenEncryptionKey);
        }
        env.putAll(config.extraServiceEnvironment());
        return env;
    }

    private void awaitServicesReady(Collection<RosterService> which, long started, long deadline) throws InterruptedException {
        if (which.isEmpty()) {
            return;
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Set<RosterService> pending = EnumSet.copyOf(which);
        try {
            Waits.waitUntil("the services to be ready", deadline, () -> {
                for (Iterator<RosterService> it = pending.iterator(); it.hasNext(); ) {
                    RosterService service = it.next();
                    ChildProcess child = services.get(service);
                    if (isClosed()) {
                        throw new StartupException("stopped during start-up");
                    }
                    if (!child.isAlive()) {
                        throw new StartupException(service.module() + " exited during start-up with code "
                                + child.exitCode() + "; see " + child.logFile()
                                + "\n--- last lines of " + child.logFile().getFileName() + " ---\n" + child.tailOfLog(40));
                    }
                    if (isReady(http, config.ports().of(service))) {
                        it.remove();
                        log.info("{} ready after {}", service.module(), seconds(System.nanoTime() - started));
                    }
                }
                return pending.isEmpty();
            });
        } catch (TimeoutException e) {
            String notReady = pending.stream()
                    .map(service -> service.module() + " (GET http://" + HOST + ":" + config.ports().of(service)
                            + "/actuator/health/readiness never answered 200; see " + services.get(service).logFile()
                            + ")\n--- last lines ---\n" + services.get(service).tailOfLog(15))
                    .collect(Collectors.joining("\n"));
            throw new StartupException("not ready within " + config.startupTimeout().toSeconds() + " s: " + notReady);
        }
    }

    private static boolean isReady(HttpClient http, int port) {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://" + HOST + ":" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void checkPortsAreFree() {
        Map<String, Integer> wanted = new LinkedHashMap<>(config.ports().byName());
        if (!config.ownKafka()) {
            // the external cluster may listen there: it is the caller's
            wanted.remove("Kafka");
            wanted.remove("Kafka controller");
        }
        for (RosterService service : RosterService.values()) {
            if (!config.services().contains(service)) {
                wanted.remove(service.module());
            }
        }
        if (!config.console()) {
            wanted.remove(Ports.ADMIN_CONSOLE);
        }
        List<String> busy = new ArrayList<>();
        wanted.forEach((name, port) -> {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(HOST, port));
            } catch (IOException e) {
                busy.add(port + " (" + name + ")");
            }
        });
        if (!busy.isEmpty()) {
            throw new StartupException("port(s) already in use on " + HOST + ": " + String.join(", ", busy)
                    + ". Is another local stack running? Stop it, or choose other ports (see --help).");
        }
    }

    /**
     * Starts something and registers it, both under the lock and only while the stack is not being stopped, so
     * that {@link #close()} (Ctrl-C may come during start-up) either sees it or it is never started.
     */
    private <T> T guarded(Callable<T> starter, Consumer<T> register) throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new StartupException("stopped during start-up");
            }
            T started;
            try {
                started = starter.call();
            } catch (IOException | RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new StartupException(e.getMessage(), e);
            }
            register.accept(started);
            return started;
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /**
     * Stops everything: the services first (SIGTERM, then SIGKILL after 30 s), then the broker they write to,
     * then GreenMail and the Mongo-wire server. Ctrl-C runs exactly this. Idempotent.
     */
    @Override
    public void close() {
        List<ChildProcess> serviceProcesses;
        ChildProcess kafka;
        MongoWireServer mongo;
        MailCatcher mail;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            serviceProcesses = new ArrayList<>(services.values());
            if (console != null) {
                // the console first: it calls the services, never the other way round
                serviceProcesses.add(0, console);
            }
            kafka = this.kafka;
            mongo = this.mongo;
            mail = this.mail;
        }
        boolean anythingStarted = kafka != null || mongo != null || mail != null;
        long stopping = System.nanoTime();
        if (anythingStarted) {
            log.info("Stopping the Roster local stack ...");
        }
        serviceProcesses.forEach(ChildProcess::requestStop);
        for (ChildProcess child : serviceProcesses) {
            stop(child, SERVICE_STOP_GRACE);
        }
        if (kafka != null) {
            stop(kafka, KAFKA_STOP_GRACE);
        }
        if (mail != null) {
            quietly("GreenMail", mail::close);
        }
        if (mongo != null) {
            quietly("the Mongo-wire server", mongo::close);
        }
        if (dataLocked) {
            quietly("the data folder lock", data::close);
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
        }
        if (anythingStarted) {
            log.info("The Roster local stack stopped in {}; data kept in {}", seconds(System.nanoTime() - stopping),
                    config.dataDir());
        }
        terminated.countDown();
    }

    private static void stop(ChildProcess child, Duration grace) {
        try {
            boolean gone = child.awaitStop(grace);
            log.info("{} stopped (exit code {}){}", child, child.exitCode(), gone ? "" : " but a descendant survived");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.handle().destroyForcibly();
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(String what, Step step) {
        try {
            step.run();
        } catch (Exception e) {
            log.warn("stopping {} failed: {}", what, e.toString());
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
    }

    public LocalStackConfig config() {
        return config;
    }

    /** Wall-clock time from the call of {@link #start} until everything answered ready. */
    public Duration startupTime() {
        return startupTime;
    }

    /** Kafka and each started service by name, with their process handles (also after {@link #close()}). */
    public Map<String, ProcessHandle> childProcesses() {
        Map<String, ProcessHandle> processes = new LinkedHashMap<>();
        synchronized (lock) {
            if (kafka != null) {
                processes.put(kafka.name(), kafka.handle());
            }
            services.forEach((service, child) -> processes.put(service.module(), child.handle()));
            if (console != null) {
                processes.put(console.name(), console.handle());
            }
        }
        return processes;
    }

    /** Every process handle of the stack's children and their descendants, for "nothing left behind" checks. */
    public List<ProcessHandle> processTree() {
        List<ProcessHandle> tree = new ArrayList<>();
        synchronized (lock) {
            if (kafka != null) {
                tree.addAll(kafka.processTree());
            }
            services.values().forEach(child -> tree.addAll(child.processTree()));
            if (console != null) {
                tree.addAll(console.processTree());
            }
        }
        return tree;
    }

    /** Resident memory (VmRSS) of the launcher JVM ("launcher") and of every child process, by name. */
    public Map<String, OptionalLong> residentMemory() {
        Map<String, OptionalLong> memory = new LinkedHashMap<>();
        memory.put("launcher", ResidentMemory.bytesOf(ProcessHandle.current().pid()));
        childProcesses().forEach((name, handle) -> memory.put(name, ResidentMemory.bytesOf(handle.pid())));
        return memory;
    }

    /** The log file of a child process ("kafka" or a service's module name). */
    public Path logFile(String name) {
        return data.logFile(name);
    }

    static String javaExecutable() {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        return Path.of(System.getProperty("java.home"), "bin", windows ? "java.exe" : "java").toString();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    private String banner() {
        Ports ports = config.ports();
        String line = "=".repeat(100);
        StringBuilder text = new StringBuilder("\n").append(line).append('\n')
                .append(String.format(Locale.ROOT, " Roster local stack is ready (started in %.1f s)%n",
                        startupTime.toNanos() / 1e9));
        for (RosterService service : config.services()) {
            text.append(entry(service.module(), "http://" + HOST + ":" + ports.of(service),
                    "log " + data.logFile(service.module())));
        }
        if (config.console()) {
            text.append(entry("Admin console", consoleUrl(), "log " + data.logFile(Ports.ADMIN_CONSOLE)));
        }
        if (config.services().contains(RosterService.IDENTITY)) {
            text.append(entry("JWKS", "http://" + HOST + ":" + ports.identity() + "/.well-known/jwks.json", ""));
            text.append(entry("OpenID discovery", "http://" + HOST + ":" + ports.identity() + "/.well-known/openid-configuration", ""));
        }
        if (config.ownKafka()) {
            text.append(entry("Kafka (KRaft)", HOST + ":" + ports.kafka(),
                    "controller " + HOST + ":" + ports.kafkaController() + ", log " + data.logFile("kafka")));
        } else {
            text.append(entry("Kafka (external)", config.kafkaBootstrapServers(), ""));
        }
        text.append(entry("MongoDB (wire)", "mongodb://" + HOST + ":" + ports.mongo(), "data " + data.mongoFile()));
        text.append(entry("SMTP", HOST + ":" + ports.smtp(), ""));
        text.append(entry("IMAP", HOST + ":" + ports.imap(), "user and password = the address"));
        text.append(entry("Inbox", "http://" + HOST + ":" + ports.inbox(), ""));
        text.append(entry("Bootstrap admin", config.adminEmail() + " / " + config.adminPassword(), ""));
        text.append(entry("Data folder", config.dataDir().toString(), ""));
        text.append(entry("Logs", data.logs().toString(), ""));
        Map<String, OptionalLong> memory = residentMemory();
        long total = memory.values().stream().mapToLong(value -> value.orElse(0)).sum();
        text.append(entry("Resident memory", ResidentMemory.format(total) + " in total",
                memory.entrySet().stream().map(e -> e.getKey() + " " + ResidentMemory.format(e.getValue()))
                        .collect(Collectors.joining(", "))));
        return text.append(" Press Ctrl-C to stop everything.\n").append(line).toString();
    }

    private static String entry(String name, String value, String note) {
        return String.format(Locale.ROOT, "   %-26s %-44s %s%n", name, value, note);
    }
}

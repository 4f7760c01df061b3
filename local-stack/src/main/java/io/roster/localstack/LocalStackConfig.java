package io.roster.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * What the local stack starts and where.
 *
 * <p>Every setting has a default and can be overridden by a command-line argument {@code --name=value} or
 * a system property {@code roster.name} (the argument wins), see {@link #OPTIONS}.
 *
 * <p>Two settings only a test sets ({@link #withExternalKafka}, {@link #withServiceEnvironment}): a Kafka cluster the
 * test runs itself instead of the stack's own broker, and environment variables every service gets on top of the
 * stack's (the topics' replication for that cluster, say).
 */
public record LocalStackConfig(
        Path repositoryRoot,
        Path dataDir,
        Ports ports,
        Set<RosterService> services,
        String adminEmail,
        String adminPassword,
        Duration startupTimeout,
        List<String> serviceJvmOptions,
        List<String> kafkaJvmOptions,
        Map<RosterService, String> servicesMongoUris,
        String externalKafka,
        Map<String, String> extraServiceEnvironment,
        boolean console) {

    public static final String DEFAULT_ADMIN_EMAIL = "admin@roster.local";
    public static final String DEFAULT_ADMIN_PASSWORD = "roster-admin";
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(180);

    /**
     * Per service JVM. Measured on the 2-core reference machine (see the end-to-end IT's log): a service sits at
     * 175–210 MiB resident after start-up and light use, the whole stack at about 1.1 GiB; the worst case
     * (every heap full) stays under the 2 GiB budget. C1 only (TieredStopAtLevel=1, one compiler thread): on two
     * cores the C2 compilations of four JVMs starting at once cost more start-up time than a local stack's
     * light load gains from them.
     */
    public static final List<String> DEFAULT_SERVICE_JVM_OPTIONS = List.of(
            "-Xms32m", "-Xmx192m", "-Xss512k",
            "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=192m", "-XX:ReservedCodeCacheSize=48m", "-XX:MaxDirectMemorySize=64m",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8");

    /**
     * The Kafka broker's JVM: a single-node broker for local work needs far less than Kafka's 1 GiB default. C1 only,
     * as the services: measured here, a broker was ready after 4.5 s of CPU with C2 and 3.2 s without, and a local
     * stack's traffic never makes it hot.
     */
    public static final List<String> DEFAULT_KAFKA_JVM_OPTIONS = List.of(
            "-Xms64m", "-Xmx256m", "-Xss512k",
            "-XX:+UseSerialGC",
            "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=48m",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1",
            "-XX:+ExitOnOutOfMemoryError",
            "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8");

    /** Option name → description; each is {@code --name=value} on the command line or {@code roster.name}. */
    public static final Map<String, String> OPTIONS;

    static {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("home", "repository root (default: walk up from the working directory to roster-parent's pom.xml)");
        options.put("data-dir", "data folder (default: <home>/.roster/data)");
        options.put("services", "services to start: all (default), none, or a comma list of identity,invitation,query,notification");
        options.put("kafka-port", "Kafka broker (default 9092)");
        options.put("kafka-controller-port", "Kafka KRaft controller (default 9093)");
        options.put("mongo-port", "Mongo-wire server (default 27017)");
        options.put("smtp-port", "GreenMail SMTP (default 3025)");
        options.put("imap-port", "GreenMail IMAP (default 3143)");
        options.put("inbox-port", "inbox web page (default 8025)");
        options.put("identity-port", "identity-command-service (default 8081)");
        options.put("invitation-port", "invitation-service (default 8082)");
        options.put("query-port", "query-service (default 8083)");
        options.put("notification-port", "notification-service (default 8084)");
        options.put("console-port", "admin console (default 8080; its pages under /console/)");
        options.put("console", "start the admin console: true (default) or false");
        options.put("admin-email", "bootstrap provider admin (default $ROSTER_BOOTSTRAP_ADMIN_EMAIL or admin@roster.local)");
        options.put("admin-password", "its password (default $ROSTER_BOOTSTRAP_ADMIN_PASSWORD or roster-admin)");
        options.put("startup-timeout", "seconds to wait for everything to be ready (default 180)");
        options.put("service-jvm-options", "JVM options of each service process, space-separated");
        options.put("kafka-jvm-options", "JVM options of the Kafka broker process, space-separated");
        options.put("services-mongo-uri", "MongoDB URI the services get (default: the Mongo-wire server's, mongodb://127.0.0.1:<mongo-port>); "
                + "e.g. a proxy in front of it");
        OPTIONS = java.util.Collections.unmodifiableMap(options);
    }

    public LocalStackConfig {
        repositoryRoot = repositoryRoot.toAbsolutePath().normalize();
        dataDir = dataDir.toAbsolutePath().normalize();
        services = services.isEmpty()
                ? java.util.Collections.unmodifiableSet(EnumSet.noneOf(RosterService.class))
                : java.util.Collections.unmodifiableSet(EnumSet.copyOf(services));
        serviceJvmOptions = List.copyOf(serviceJvmOptions);
        kafkaJvmOptions = List.copyOf(kafkaJvmOptions);
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("startup-timeout must be positive");
        }
        servicesMongoUris = Map.copyOf(servicesMongoUris);
        externalKafka = externalKafka == null ? "" : externalKafka.trim();
        extraServiceEnvironment = Map.copyOf(extraServiceEnvironment);
        servicesMongoUris.values().forEach(uri -> {
            if (!uri.startsWith("mongodb://") && !uri.startsWith("mongodb+srv://")) {
                throw new IllegalArgumentException("services-mongo-uri must be a mongodb:// URI, got '" + uri + "'");
            }
        });
    }

    /** Without a MongoDB URI of its own for the services: they get the Mongo-wire server's. */
    public LocalStackConfig(Path repositoryRoot, Path dataDir, Ports ports, Set<RosterService> services, String adminEmail,
                            String adminPassword, Duration startupTimeout, List<String> serviceJvmOptions,
                            List<String> kafkaJvmOptions) {
        this(repositoryRoot, dataDir, ports, services, adminEmail, adminPassword, startupTimeout, serviceJvmOptions,
                kafkaJvmOptions, Map.of());
    }

    /** With the stack's own Kafka broker, no extra service environment and no admin console. */
    public LocalStackConfig(Path repositoryRoot, Path dataDir, Ports ports, Set<RosterService> services, String adminEmail,
                            String adminPassword, Duration startupTimeout, List<String> serviceJvmOptions,
                            List<String> kafkaJvmOptions, Map<RosterService, String> servicesMongoUris) {
        this(repositoryRoot, dataDir, ports, services, adminEmail, adminPassword, startupTimeout, serviceJvmOptions,
                kafkaJvmOptions, servicesMongoUris, "", Map.of(), false);
    }

    /** Whether the stack starts its own broker (no external Kafka given). */
    public boolean ownKafka() {
        return externalKafka.isEmpty();
    }

    /** What the services get as {@code ROSTER_KAFKA_BOOTSTRAP_SERVERS}: the external cluster's, or the own broker's. */
    public String kafkaBootstrapServers() {
        return ownKafka() ? KafkaBroker.HOST + ":" + ports.kafka() : externalKafka;
    }

    /**
     * The services use the Kafka cluster at {@code bootstrapServers} (host:port,...), which the caller runs: the stack
     * starts no broker and leaves the Kafka ports of {@link #ports()} to that cluster.
     */
    public LocalStackConfig withExternalKafka(String bootstrapServers) {
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("the external Kafka's bootstrap servers must not be empty");
        }
        return new LocalStackConfig(repositoryRoot, dataDir, ports, services, adminEmail, adminPassword,
                startupTimeout, serviceJvmOptions, kafkaJvmOptions, servicesMongoUris, bootstrapServers, extraServiceEnvironment, console);
    }

    /** Every service also gets these environment variables, over the stack's own. */
    public LocalStackConfig withServiceEnvironment(Map<String, String> environment) {
        return new LocalStackConfig(repositoryRoot, dataDir, ports, services, adminEmail, adminPassword,
                startupTimeout, serviceJvmOptions, kafkaJvmOptions, servicesMongoUris, externalKafka, environment, console);
    }

    /**
     * Whether the admin console starts too (on {@link Ports#console()}, after the services it calls). The launcher
     * starts it unless {@code --console=false}; a test's configuration starts it only when it asks, so the other
     * end-to-end classes keep their memory and start-up time.
     */
    public LocalStackConfig withConsole(boolean startConsole) {
        return new LocalStackConfig(repositoryRoot, dataDir, ports, services, adminEmail, adminPassword,
                startupTimeout, serviceJvmOptions, kafkaJvmOptions, servicesMongoUris, externalKafka, extraServiceEnvironment,
                startConsole);
    }

    /** {@code <root>/admin-console/target/admin-console.jar}. */
    public Path consoleJar() {
        return repositoryRoot.resolve(Ports.ADMIN_CONSOLE).resolve("target").resolve(Ports.ADMIN_CONSOLE + ".jar");
    }

    /**
     * The MongoDB URI a service is given: its own from {@code servicesMongoUris} when set (a fault test puts a proxy
     * between the services and the Mongo-wire server), else the Mongo-wire server's address.
     */
    public String mongoUriFor(RosterService service) {
        return servicesMongoUris.getOrDefault(service, "mongodb://" + KafkaBroker.HOST + ":" + ports.mongo());
    }

    /**
     * Defaults for a repository root: data in {@code <root>/.roster/data}, the ports of PRODUCT.md, all services, and
     * no admin console (see {@link #withConsole}; the launcher's {@link #resolve} starts it by default).
     */
    public static LocalStackConfig defaults(Path repositoryRoot) {
        return new LocalStackConfig(
                repositoryRoot,
                repositoryRoot.resolve(".roster").resolve("data"),
                Ports.DEFAULTS,
                EnumSet.allOf(RosterService.class),
                DEFAULT_ADMIN_EMAIL,
                DEFAULT_ADMIN_PASSWORD,
                DEFAULT_STARTUP_TIMEOUT,
                DEFAULT_SERVICE_JVM_OPTIONS,
                DEFAULT_KAFKA_JVM_OPTIONS);
    }

    public LocalStackConfig withDataDir(Path newDataDir) {
        return new LocalStackConfig(repositoryRoot, newDataDir, ports, services, adminEmail, adminPassword,
                startupTimeout, serviceJvmOptions, kafkaJvmOptions, servicesMongoUris, externalKafka, extraServiceEnvironment, console);
    }

    public LocalStackConfig withPorts(Ports newPorts) {
        return new LocalStackConfig(repositoryRoot, dataDir, newPorts, services, adminEmail, adminPassword,
                startupTimeout, serviceJvmOptions, kafkaJvmOptions, servicesMongoUris, externalKafka, extraServiceEnvironment, console);
    }

    public LocalStackConfig withServices(Collection<RosterService> newServices) {
        return new LocalStackConfig(repositoryRoot, dataDir, ports, Set.copyOf(newServices), adminEmail, adminPassword,
                startupTimeout, serviceJvmOptions, kafkaJvmOptions, servicesMongoUris, externalKafka, extraServiceEnvironment, console);
    }

    public LocalStackConfig withStartupTimeout(Duration timeout) {
        return new LocalStackConfig(repositoryRoot, dataDir, ports, services, adminEmail, adminPassword,
                timeout, serviceJvmOptions, kafkaJvmOptions, servicesMongoUris, externalKafka, extraServiceEnvironment, console);
    }

    /** Every service reaches MongoDB at {@code uri} instead of the Mongo-wire server's own address. */
    public LocalStackConfig withServicesMongoUri(String uri) {
        Map<RosterService, String> uris = new EnumMap<>(RosterService.class);
        for (RosterService service : RosterService.values()) {
            uris.put(service, uri);
        }
        return new LocalStackConfig(repositoryRoot, dataDir, ports, services, adminEmail, adminPassword,
                startupTimeout, serviceJvmOptions, kafkaJvmOptions, uris, externalKafka, extraServiceEnvironment, console);
    }

    /** {@code service} reaches MongoDB at {@code uri} (the others keep theirs). */
    public LocalStackConfig withServiceMongoUri(RosterService service, String uri) {
        Map<RosterService, String> uris = new EnumMap<>(RosterService.class);
        uris.putAll(servicesMongoUris);
        uris.put(service, uri);
        return new LocalStackConfig(repositoryRoot, dataDir, ports, services, adminEmail, adminPassword,
                startupTimeout, serviceJvmOptions, kafkaJvmOptions, uris, externalKafka, extraServiceEnvironment, console);
    }

    /** {@code <root>/<module>/target/<module>.jar}, the fat jar the service module builds. */
    public Path jarOf(RosterService service) {
        return repositoryRoot.resolve(service.module()).resolve("target").resolve(service.module() + ".jar");
    }

    /** {@code <root>/local-stack/target/classpath.txt}, written by the build (maven-dependency-plugin). */
    public Path classpathFile() {
        return repositoryRoot.resolve("local-stack").resolve("target").resolve("classpath.txt");
    }

    /**
     * Resolves the configuration from {@code --name=value} arguments, {@code roster.name} system properties
     * and the environment (only for the bootstrap admin's defaults).
     *
     * @throws IllegalArgumentException for an unknown option, a bad value, or a root that cannot be found
     */
    public static LocalStackConfig resolve(String[] args, Properties systemProperties, Map<String, String> environment,
                                           Path workingDirectory) {
        Map<String, String> given = new HashMap<>();
        for (String name : OPTIONS.keySet()) {
            String value = systemProperties.getProperty("roster." + name);
            if (value != null) {
                given.put(name, value);
            }
        }
        for (String arg : args) {
            if (!arg.startsWith("--") || !arg.contains("=")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "' (options are --name=value)");
            }
            String name = arg.substring(2, arg.indexOf('='));
            if (!OPTIONS.containsKey(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            given.put(name, arg.substring(arg.indexOf('=') + 1));
        }

        Path root = given.containsKey("home")
                ? Path.of(given.get("home"))
                : findRepositoryRoot(workingDirectory);
        if (!Files.isRegularFile(root.resolve("pom.xml"))) {
            throw new IllegalArgumentException("no pom.xml in the repository root " + root);
        }
        LocalStackConfig defaults = defaults(root);
        if (given.containsKey("services-mongo-uri")) {
            defaults = defaults.withServicesMongoUri(given.get("services-mongo-uri"));
        }

        Ports d = defaults.ports();
        Function<String, Integer> port = name -> given.containsKey(name) ? parseInt(name, given.get(name)) : null;
        Ports ports = new Ports(
                orDefault(port.apply("kafka-port"), d.kafka()),
                orDefault(port.apply("kafka-controller-port"), d.kafkaController()),
                orDefault(port.apply("mongo-port"), d.mongo()),
                orDefault(port.apply("smtp-port"), d.smtp()),
                orDefault(port.apply("imap-port"), d.imap()),
                orDefault(port.apply("inbox-port"), d.inbox()),
                orDefault(port.apply("identity-port"), d.identity()),
                orDefault(port.apply("invitation-port"), d.invitation()),
                orDefault(port.apply("query-port"), d.query()),
                orDefault(port.apply("notification-port"), d.notification()),
                orDefault(port.apply("console-port"), d.console()));

        return new LocalStackConfig(
                root,
                given.containsKey("data-dir") ? Path.of(given.get("data-dir")) : defaults.dataDir(),
                ports,
                given.containsKey("services") ? parseServices(given.get("services")) : defaults.services(),
                given.getOrDefault("admin-email",
                        environment.getOrDefault("ROSTER_BOOTSTRAP_ADMIN_EMAIL", DEFAULT_ADMIN_EMAIL)),
                given.getOrDefault("admin-password",
                        environment.getOrDefault("ROSTER_BOOTSTRAP_ADMIN_PASSWORD", DEFAULT_ADMIN_PASSWORD)),
                given.containsKey("startup-timeout")
                        ? Duration.ofSeconds(parseInt("startup-timeout", given.get("startup-timeout")))
                        : defaults.startupTimeout(),
                given.containsKey("service-jvm-options")
                        ? splitOptions(given.get("service-jvm-options")) : defaults.serviceJvmOptions(),
                given.containsKey("kafka-jvm-options")
                        ? splitOptions(given.get("kafka-jvm-options")) : defaults.kafkaJvmOptions(),
                defaults.servicesMongoUris())
                .withConsole(parseBoolean("console", given.getOrDefault("console", "true")));
    }

    /** The nearest folder at or above {@code start} whose pom.xml is the one of {@code roster-parent}. */
    public static Path findRepositoryRoot(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && "roster-parent".equals(projectArtifactId(pom))) {
                return dir;
            }
        }
        throw new IllegalArgumentException("cannot find the Roster repository root (a pom.xml with artifactId "
                + "roster-parent) at or above " + start.toAbsolutePath()
                + "; run from inside the repository or pass --home=<path> / -Droster.home=<path>");
    }

    /** The project's own artifactId (not its parent's). */
    static String projectArtifactId(Path pom) {
        try (InputStream in = Files.newInputStream(pom)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Element project = factory.newDocumentBuilder().parse(in).getDocumentElement();
            for (Node child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof Element element && "artifactId".equals(element.getTagName())) {
                    return element.getTextContent().trim();
                }
            }
            return null;
        } catch (IOException | javax.xml.parsers.ParserConfigurationException | org.xml.sax.SAXException e) {
            return null;
        }
    }

    static Set<RosterService> parseServices(String value) {
        String trimmed = value.trim().toLowerCase(Locale.ROOT);
        if (trimmed.equals("all")) {
            return EnumSet.allOf(RosterService.class);
        }
        if (trimmed.equals("none") || trimmed.isEmpty()) {
            return EnumSet.noneOf(RosterService.class);
        }
        EnumSet<RosterService> services = EnumSet.noneOf(RosterService.class);
        for (String name : trimmed.split(",")) {
            services.add(RosterService.parse(name));
        }
        return services;
    }

    private static boolean parseBoolean(String name, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new IllegalArgumentException(name + " must be true or false, got '" + value + "'");
        };
    }

    private static List<String> splitOptions(String value) {
        return Arrays.stream(value.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + value + "'");
        }
    }

    private static int orDefault(Integer value, int fallback) {
        return value != null ? value : fallback;
    }

    /** The usage text, one line per option. */
    public static String usage() {
        StringBuilder text = new StringBuilder("Usage: local-stack.sh [--no-build] [--name=value ...]\n"
                + "Options (also as system properties -Droster.<name>=<value>):\n");
        OPTIONS.forEach((name, description) ->
                text.append(String.format("  --%-24s %s%n", name + "=", description)));
        return text.toString();
    }
}

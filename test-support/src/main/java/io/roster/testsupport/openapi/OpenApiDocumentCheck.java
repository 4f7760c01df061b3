package io.roster.testsupport.openapi;

import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import org.assertj.core.api.SoftAssertions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Keeps a service's checked-in OpenAPI document ({@code docs/openapi/<service>.yaml}) true to the running service:
 * <ul>
 *   <li>the document and Swagger UI answer without a token, and every route the document says needs a token
 *       answers 401 {@code unauthenticated} without one (opening the docs opened nothing else);</li>
 *   <li>every route the Spring context maps ({@link MappedRoutes}) is in the document;</li>
 *   <li>the checked-in file is the document the service serves now; {@code -Dopenapi.write=true} rewrites it;</li>
 *   <li>swagger-parser reads the checked-in file without a single message.</li>
 * </ul>
 * Findings are collected with SoftAssertions, so one run reports them all, with figures in
 * {@code target/openapi-<service>-report.txt}.
 */
public final class OpenApiDocumentCheck {

    /** Set to true to rewrite the checked-in documents instead of comparing them. */
    public static final String WRITE_PROPERTY = "openapi.write";

    private static final Logger log = LoggerFactory.getLogger(OpenApiDocumentCheck.class);

    private final String service;
    private final String test;
    private final WebTestClient web;
    private final ApplicationContext context;
    private final Set<String> leftOut = new TreeSet<>();
    private String leftOutReason = "";

    /**
     * @param service   the module name, which names the file
     * @param test    the test that runs this check, as {@code -Dtest=} selects it, named in the refresh command it prints
     */
    public OpenApiDocumentCheck(String service, String test, WebTestClient web, ApplicationContext context) {
        this.service = service;
        this.test = test;
        // the first document is built on demand: seconds on a loaded machine, more than the client's 5 s default
        this.web = web.mutate().responseTimeout(java.time.Duration.ofSeconds(60)).build();
        this.context = context;
    }

    /**
     * Routes of these controllers are not part of the API document (browser pages answering HTML under their own
     * security chain); the report lists them with the reason.
     */
    public OpenApiDocumentCheck leavingOut(String reason, String... controllerSimpleNames) {
        leftOut.addAll(List.of(controllerSimpleNames));
        leftOutReason = reason;
        return this;
    }

    public static Path checkedInDocument(String service) {
        return repositoryRoot().resolve("docs/openapi").resolve(service + ".yaml");
    }

    public void run() {
        String served = fetch("/v3/api-docs.yaml");
        Path file = checkedInDocument(service);
        List<String> report = new ArrayList<>();
        SoftAssertions softly = new SoftAssertions();

        boolean write = Boolean.getBoolean(WRITE_PROPERTY);
        if (write) {
            writeFile(file, served);
            report.add("rewrote " + file);
        }
        String checkedIn = Files.isRegularFile(file) ? read(file) : "";
        softly.assertThat(checkedIn)
                .as("%s is the document %s serves now; refresh it with: nice -n 19 ./mvnw -B -q -pl %s -am test "
                        + "'-Dtest=%s' -Dsurefire.failIfNoSpecifiedTests=false -D%s=true", repositoryRoot().relativize(file), service,
                        service, test, WRITE_PROPERTY)
                .isEqualTo(served);

        SwaggerParseResult parsed = parse(checkedIn.isEmpty() ? served : checkedIn);
        List<String> messages = parsed.getMessages() == null ? List.of() : parsed.getMessages();
        softly.assertThat(messages).as("swagger-parser messages on %s", file.getFileName()).isEmpty();
        softly.assertThat(parsed.getOpenAPI()).as("swagger-parser read %s", file.getFileName()).isNotNull();
        // the routes and their security are checked on the document the service serves now (the file equals it or
        // the test already fails as stale)
        OpenAPI document = parse(served).getOpenAPI();

        Set<MappedRoutes.Route> all = MappedRoutes.of(context);
        List<String> pages = all.stream().filter(r -> leftOut.contains(r.handler().split("\\.")[0]))
                .map(MappedRoutes.Route::toString).toList();
        Set<MappedRoutes.Route> mapped = new TreeSet<>(all);
        mapped.removeIf(r -> leftOut.contains(r.handler().split("\\.")[0]));
        Set<String> documented = document == null ? Set.of() : operations(document);
        List<String> missing = mapped.stream().filter(r -> !documented.contains(r.method() + " " + r.path()))
                .map(MappedRoutes.Route::toString).toList();
        softly.assertThat(missing).as("routes %s maps that its OpenAPI document lacks", service).isEmpty();

        List<String> secured = document == null ? List.of() : securedOperations(document);
        List<String> notRefused = new ArrayList<>();
        for (String operation : secured) {
            String[] methodAndPath = operation.split(" ", 2);
            HttpStatus status = status(HttpMethod.valueOf(methodAndPath[0]), sample(methodAndPath[1]));
            if (status != HttpStatus.UNAUTHORIZED) {
                notRefused.add(operation + " answered " + status.value());
            }
        }
        softly.assertThat(notRefused).as("operations documented as needing a token that answer without one").isEmpty();

        HttpStatus ui = status(HttpMethod.GET, "/swagger-ui.html");
        softly.assertThat(ui.is2xxSuccessful() || ui.is3xxRedirection()).as("Swagger UI without a token answered %s", ui.value()).isTrue();
        HttpStatus uiPage = status(HttpMethod.GET, "/webjars/swagger-ui/index.html");
        softly.assertThat(uiPage).as("Swagger UI page without a token").isEqualTo(HttpStatus.OK);

        report.add("service: " + service);
        report.add("mapped routes: " + all.size() + ", of which left out of the API document: " + pages.size()
                + (pages.isEmpty() ? "" : " (" + leftOutReason + ") " + pages));
        report.add("documented operations: " + documented.size());
        report.add("mapped routes missing from the document: " + missing.size() + " " + missing);
        report.add("checked-in file current: " + checkedIn.equals(served) + " (" + served.lines().count() + " lines served, "
                + checkedIn.lines().count() + " checked in)");
        report.add("swagger-parser messages: " + messages.size() + " " + messages);
        report.add("operations that need a token: " + secured.size() + ", answered 401 without one: "
                + (secured.size() - notRefused.size()) + ", others: " + notRefused);
        report.add("GET /swagger-ui.html without a token: " + ui.value() + ", /webjars/swagger-ui/index.html: " + uiPage.value());
        writeReport(report);
        softly.assertAll();
    }

    private String fetch(String path) {
        byte[] body = web.get().uri(path).exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        return new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8);
    }

    private HttpStatus status(HttpMethod method, String path) {
        return HttpStatus.valueOf(web.method(method).uri(path).exchange().returnResult(Void.class).getStatus().value());
    }

    /** A concrete path for a template: each variable a fresh UUID (any value: the token check comes first). */
    static String sample(String template) {
        return template.replaceAll("\\{[^}]+}", UUID.randomUUID().toString());
    }

    static SwaggerParseResult parse(String yaml) {
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        return new OpenAPIParser().readContents(yaml, null, options);
    }

    /** "METHOD /path" of every operation of the document. */
    public static Set<String> operations(OpenAPI document) {
        Set<String> operations = new TreeSet<>();
        if (document.getPaths() != null) {
            document.getPaths().forEach((path, item) -> item.readOperationsMap()
                    .forEach((method, operation) -> operations.add(method.name() + " " + path)));
        }
        return operations;
    }

    /** The operations that need a bearer token: the document's default unless the operation says otherwise. */
    static List<String> securedOperations(OpenAPI document) {
        boolean securedByDefault = document.getSecurity() != null && !document.getSecurity().isEmpty();
        List<String> secured = new ArrayList<>();
        if (document.getPaths() != null) {
            document.getPaths().forEach((path, item) -> {
                for (Map.Entry<PathItem.HttpMethod, Operation> entry : item.readOperationsMap().entrySet()) {
                    List<?> security = entry.getValue().getSecurity();
                    if (security == null ? securedByDefault : !security.isEmpty()) {
                        secured.add(entry.getKey().name() + " " + path);
                    }
                }
            });
        }
        return secured;
    }

    private void writeReport(List<String> lines) {
        lines.forEach(line -> log.info("openapi {}: {}", service, line));
        Path target = Path.of("target");
        try {
            Files.createDirectories(target);
            Files.write(target.resolve("openapi-" + service + "-report.txt"), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Also {@link ValidationSweep}'s report. */
    static void writeFile(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checkout: the nearest directory at or above the working directory whose pom.xml is roster-parent. */
    public static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            // the root pom is roster-parent itself (a module pom names it as its parent, and has no modules)
            if (Files.isRegularFile(pom) && read(pom).contains("<artifactId>roster-parent</artifactId>")
                    && read(pom).contains("<modules>")) {
                return dir;
            }
        }
        throw new IllegalStateException("no roster-parent pom.xml at or above " + Path.of("").toAbsolutePath());
    }
}

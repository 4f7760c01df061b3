package io.roster.console;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Roster's four APIs as the console's page tests need them: one HTTP server on a free local port, where the console is
 * pointed for identity, invitation, query and notification alike ({@link #pointConsoleAt}), answering each request
 * with what the test's function says. Every request is recorded as "METHOD path?query[ body]", with the content type
 * before a body that is not JSON (a bulk CSV upload), so a test checks the calls its forms make. Registered as the
 * test class's extension ({@code @RegisterExtension static final StandInApi API = ...}), it stops after the class.
 */
final class StandInApi implements AfterAllCallback {

    private final HttpServer server;
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private StandInApi(HttpServer server) {
        this.server = server;
    }

    /** A request as the console sent it. */
    record Request(String method, String path, String body, Headers headers) {

        String contentType() {
            String type = headers.getFirst("Content-Type");
            return type == null ? "" : type;
        }

        /** The bearer token the console sent, empty without one. */
        String bearer() {
            String authorization = headers.getFirst("Authorization");
            return authorization == null ? "" : authorization.replaceFirst("^Bearer ", "");
        }

        String line() {
            if (body.isEmpty()) {
                return method + " " + path;
            }
            return method + " " + path + " " + (contentType().contains("json") ? "" : contentType() + " ") + body;
        }
    }

    /**
     * What the stand-in answers: a status, a JSON body (a problem's media type from 400 on) and the Consistency-Token
     * header of a command's answer (null: none).
     */
    record Answer(int status, String json, String consistencyToken) {

        Answer(int status, String json) {
            this(status, json, null);
        }

        Answer withConsistencyToken(String token) {
            return new Answer(status, json, token);
        }

        static Answer ok(String json) {
            return new Answer(200, json);
        }

        static Answer problem(int status, String code, String detail) {
            return new Answer(status, "{\"status\":" + status + ",\"code\":\"" + code + "\",\"detail\":\"" + detail + "\"}");
        }

        /**
         * Identity's answer to a sign-in or a renewal: an unsigned token whose claims the console reads (it verifies
         * nothing itself; the services do).
         */
        static Answer token(String userId, String email, boolean providerAdmin, long expiresInSeconds) {
            String claims = "{\"sub\":\"" + userId + "\",\"email\":\"" + email + "\",\"providerRoles\":["
                    + (providerAdmin ? "\"provider-admin\"" : "") + "]}";
            String token = "e30." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".sig";
            return ok("{\"accessToken\":\"" + token + "\",\"tokenType\":\"Bearer\",\"expiresIn\":" + expiresInSeconds + "}");
        }
    }

    static StandInApi start(Function<Request, Answer> answers) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            StandInApi api = new StandInApi(server);
            // a request the test holds (a renewal under way) must not hold the others
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> api.answer(exchange, answers));
            server.start();
            return api;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A page of rows as the API lists them, the last page. */
    static String items(String... rows) {
        return "{\"items\":[" + String.join(",", rows) + "],\"nextCursor\":null}";
    }

    /** The calls made so far, oldest first. */
    List<String> calls() {
        return calls;
    }

    void pointConsoleAt(DynamicPropertyRegistry registry) {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        for (String service : List.of("identity", "invitation", "query", "notification")) {
            registry.add("roster.console." + service + "-url", () -> url);
        }
    }

    void stop() {
        server.stop(0);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void answer(HttpExchange exchange, Function<Request, Answer> answers) throws IOException {
        try (exchange) {
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), exchange.getRequestHeaders());
            calls.add(request.line());
            Answer answer = answers.apply(request);
            byte[] bytes = answer.json().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", answer.status() >= 400 ? "application/problem+json" : "application/json");
            if (answer.consistencyToken() != null) {
                exchange.getResponseHeaders().set("Consistency-Token", answer.consistencyToken());
            }
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}

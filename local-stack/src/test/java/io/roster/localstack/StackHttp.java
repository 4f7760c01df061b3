package io.roster.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The stack's HTTP APIs as a client program calls them: JSON requests with an optional bearer token (none = an
 * anonymous call), answers read as JSON, and the assertions every cross-process test makes on them.
 */
public final class StackHttp {

    private static final String JSON_OR_PROBLEM = "application/json, application/problem+json";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public HttpResponse<String> post(String url, String bearer, String body) throws Exception {
        return send("POST", url, bearer, body, Map.of());
    }

    /** A POST with extra headers (a Consistency-Token, a traceparent). */
    public HttpResponse<String> post(String url, String bearer, String body, Map<String, String> headers) throws Exception {
        return send("POST", url, bearer, body, headers);
    }

    /** POSTs {@code body} (maps, lists, strings) written as JSON. */
    HttpResponse<String> postAsJson(String url, String bearer, Object body) throws Exception {
        return post(url, bearer, json.writeValueAsString(body));
    }

    HttpResponse<String> put(String url, String bearer, String body) throws Exception {
        return send("PUT", url, bearer, body, Map.of());
    }

    /** PUTs {@code body} written as JSON. */
    HttpResponse<String> putAsJson(String url, String bearer, Object body) throws Exception {
        return put(url, bearer, json.writeValueAsString(body));
    }

    HttpResponse<String> patch(String url, String bearer, String body) throws Exception {
        return send("PATCH", url, bearer, body, Map.of());
    }

    HttpResponse<String> delete(String url, String bearer) throws Exception {
        return send("DELETE", url, bearer, null, Map.of());
    }

    public HttpResponse<String> get(String url, String bearer) throws Exception {
        return get(url, bearer, Map.of());
    }

    /** A GET with extra headers; an {@code Accept} among them replaces the JSON default (e.g. for NDJSON). */
    public HttpResponse<String> get(String url, String bearer, Map<String, String> headers) throws Exception {
        return send("GET", url, bearer, null, headers);
    }

    /** A plain GET as a browser's first request makes it: no token, no JSON headers (HTML pages, the inbox page). */
    public HttpResponse<String> page(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String method, String url, String bearer, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (!headers.containsKey("Accept")) {
            request.header("Accept", JSON_OR_PROBLEM);
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Logs in at the identity service ({@code identity} is its base URL) and answers the access token. */
    public String login(String identity, String email, String password) throws Exception {
        HttpResponse<String> response = expect(200, postAsJson(identity + "/api/v1/auth/token", null,
                Map.of("email", email, "password", password)));
        return body(response).path("accessToken").asText();
    }

    /** The {@code items} of one page of a list endpoint, which must answer 200. */
    public List<JsonNode> items(String url, String bearer) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        body(expect(200, get(url, bearer))).path("items").forEach(items::add);
        return items;
    }

    /**
     * The {@code items} of every page of a list endpoint, following {@code nextCursor} from {@code firstPage} (a URL
     * with a query string already); none while it does not answer 200 (say, an organization not projected yet).
     */
    public List<JsonNode> allItems(String firstPage, String bearer) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        String url = firstPage;
        while (url != null) {
            HttpResponse<String> page = get(url, bearer);
            if (page.statusCode() != 200) {
                return List.of();
            }
            JsonNode body = body(page);
            body.path("items").forEach(items::add);
            JsonNode cursor = body.path("nextCursor");
            url = cursor.isMissingNode() || cursor.isNull()
                    ? null : firstPage + "&cursor=" + java.net.URLEncoder.encode(cursor.asText(), java.nio.charset.StandardCharsets.UTF_8);
        }
        return items;
    }

    /** Insists on a 201 and answers the new resource's id from the field of the answer. */
    public String created(HttpResponse<String> response, String idField) {
        return body(expect(201, response)).path(idField).asText();
    }

    public JsonNode body(HttpResponse<String> response) {
        return readTree(response.body());
    }

    public JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    /** The {@code sub} claim of a JWT: the user it was issued to. */
    String subjectOf(String jwt) {
        return readTree(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8))
                .path("sub").asText();
    }

    static HttpResponse<String> expect(int status, HttpResponse<String> response) {
        assertThat(response.statusCode()).as(describe(response)).isEqualTo(status);
        return response;
    }

    /** An RFC 9457 problem with this status and stable {@code code}, a title, and its status repeated in the body. */
    void assertProblem(HttpResponse<String> response, int status, String code) {
        String description = describe(response);
        assertThat(response.statusCode()).as(description).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as(description)
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = body(response);
        assertThat(problem.path("code").asText()).as(description).isEqualTo(code);
        assertThat(problem.path("status").asInt()).as(description).isEqualTo(status);
        assertThat(problem.path("title").asText()).as(description).isNotBlank();
    }

    /** The request and the answer in one line, for assertion messages. */
    public static String describe(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        return response.request().method() + " " + response.request().uri() + " -> " + response.statusCode() + " "
                + response.headers().firstValue("Content-Type").orElse("(no content type)") + " "
                + (body.length() > 600 ? body.substring(0, 600) + "..." : body);
    }
}

package io.roster.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;

/**
 * Roster's public HTTP API as the console calls it: with the signed-in person's bearer token, like any frontend.
 * Every answer comes back as an {@link ApiAnswer} (a refusal is data to show, not an exception), except a 401 to a
 * call made with a token: the token is dead (expired, revoked by a password change), so the session ends.
 */
@Component
public class RosterApi {

    private static final Logger log = LoggerFactory.getLogger(RosterApi.class);
    private static final String CONSISTENCY_TOKEN = "Consistency-Token";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** The four services the console calls. */
    public enum Service { IDENTITY, INVITATION, QUERY, NOTIFICATION }

    private final WebClient web;
    private final ObjectMapper json;
    private final Map<Service, String> baseUrls;

    RosterApi(WebClient.Builder builder, ObjectMapper json, ConsoleProperties properties) {
        // X-Forwarded-For on every call: the services' per-address rate limits see the browser, not the console
        this.web = builder.filter(ForwardedFor.onEveryCall()).build();
        this.json = json;
        this.baseUrls = Map.of(Service.IDENTITY, properties.identityUrl(), Service.INVITATION, properties.invitationUrl(),
                Service.QUERY, properties.queryUrl(), Service.NOTIFICATION, properties.notificationUrl());
    }

    /** {@code POST /api/v1/auth/token}: no bearer token, and a 401 here is a wrong password, not an ended session. */
    public Mono<ApiAnswer> signIn(String email, String password) {
        return call(HttpMethod.POST, Service.IDENTITY, "/api/v1/auth/token", null, null,
                Map.of("email", email, "password", password));
    }

    /**
     * {@code POST /api/v1/auth/token/renew}: a new token for the session of {@code token}. A 401 (the token is revoked,
     * its account gone, its session older than identity's maximum age) is a {@link SessionEndedException} like any
     * other call's.
     */
    public Mono<ApiAnswer> renewToken(String token) {
        return call(HttpMethod.POST, Service.IDENTITY, "/api/v1/auth/token/renew", token, null, null);
    }

    /** A read; {@code consistencyToken} (may be null) makes it wait until the last change of this session shows. */
    public Mono<ApiAnswer> get(Service service, String path, String token, String consistencyToken) {
        return call(HttpMethod.GET, service, path, token, consistencyToken, null);
    }

    public Mono<ApiAnswer> post(Service service, String path, String token, Object body) {
        return call(HttpMethod.POST, service, path, token, null, body);
    }

    /** A file as the body, with its own content type (a bulk CSV upload). */
    public Mono<ApiAnswer> postFile(Service service, String path, String token, MediaType contentType, byte[] file) {
        return call(HttpMethod.POST, service, path, token, null, file, contentType);
    }

    public Mono<ApiAnswer> patch(Service service, String path, String token, Object body) {
        return call(HttpMethod.PATCH, service, path, token, null, body);
    }

    public Mono<ApiAnswer> put(Service service, String path, String token, Object body) {
        return call(HttpMethod.PUT, service, path, token, null, body);
    }

    public Mono<ApiAnswer> delete(Service service, String path, String token) {
        return call(HttpMethod.DELETE, service, path, token, null, null);
    }

    private Mono<ApiAnswer> call(HttpMethod method, Service service, String path, String token, String consistencyToken,
                                 Object body) {
        return call(method, service, path, token, consistencyToken, body, MediaType.APPLICATION_JSON);
    }

    private Mono<ApiAnswer> call(HttpMethod method, Service service, String path, String token, String consistencyToken,
                                 Object body, MediaType contentType) {
        // a URI, not a template: the paths come encoded (UriUtils), and a template would encode their '%' once more
        WebClient.RequestBodySpec request = web.method(method).uri(URI.create(baseUrls.get(service) + path))
                .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                .headers(headers -> {
                    if (token != null) {
                        headers.setBearerAuth(token);
                    }
                    if (consistencyToken != null) {
                        headers.set(CONSISTENCY_TOKEN, consistencyToken);
                    }
                });
        WebClient.RequestHeadersSpec<?> sent = body == null ? request
                : request.contentType(contentType).bodyValue(body);
        return sent.exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(text -> new ApiAnswer(response.statusCode().value(), parse(text),
                                response.headers().asHttpHeaders().getFirst(CONSISTENCY_TOKEN))))
                .timeout(TIMEOUT)
                .onErrorResume(WebClientRequestException.class, e -> unreachable(service, method, path, e))
                .onErrorResume(java.util.concurrent.TimeoutException.class, e -> unreachable(service, method, path, e))
                .flatMap(answer -> answer.status() == 401 && token != null
                        ? Mono.error(new SessionEndedException())
                        : Mono.just(answer));
    }

    private Mono<ApiAnswer> unreachable(Service service, HttpMethod method, String path, Throwable e) {
        log.warn("{} {} {} failed: {}", service, method, path, e.toString());
        return Mono.just(new ApiAnswer(503, json.createObjectNode()
                .put("code", "unavailable").put("detail", ""), null));
    }

    private JsonNode parse(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (IOException e) {
            // a proxy's HTML error page, say: the status alone tells what happened
            return null;
        }
    }
}

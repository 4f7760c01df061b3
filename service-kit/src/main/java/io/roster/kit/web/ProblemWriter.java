package io.roster.kit.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes RFC 9457 problem documents; shared by the exception handler and the security entry points. */
public class ProblemWriter {

    /** Problem types are URNs: stable names, not pages that must stay online. */
    public static final String TYPE_PREFIX = "urn:roster:problem:";

    private final ObjectMapper mapper;

    public ProblemWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public Mono<Void> write(ServerWebExchange exchange, ApiProblem problem) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(problem);
        }
        response.setStatusCode(problem.status());
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (problem.retryAfterSeconds() > 0) {
            response.getHeaders().set(org.springframework.http.HttpHeaders.RETRY_AFTER, Long.toString(problem.retryAfterSeconds()));
        }
        byte[] body = body(problem, URI.create(exchange.getRequest().getPath().value()));
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    public byte[] body(ApiProblem problem, URI instance) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", TYPE_PREFIX + problem.code());
        json.put("title", title(problem.status()));
        json.put("status", problem.status().value());
        json.put("detail", problem.detail());
        json.put("instance", instance.toString());
        json.put("code", problem.code());
        if (!problem.errors().isEmpty()) {
            List<Map<String, String>> errors = problem.errors().stream()
                    .map(e -> Map.of("field", e.field(), "message", e.message()))
                    .toList();
            json.put("errors", errors);
        }
        try {
            return mapper.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String title(HttpStatus status) {
        return status.getReasonPhrase();
    }
}

package io.roster.kit.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/**
 * What a request that failed on the infrastructure is answered: MongoDB unreachable (a partition, a failover) is
 * a 503 {@code service_unavailable} with {@code Retry-After}, however deeply the command path wrapped it; a bug is
 * still a 500. The issue-13 outage test saw 500s for the same timeouts before.
 */
class ProblemWebExceptionHandlerTest {

    private final ObjectMapper json = new ObjectMapper();
    private final ProblemWebExceptionHandler handler = new ProblemWebExceptionHandler(new ProblemWriter(json));

    @Test
    void aMongoTimeoutUnderACommandIsAServiceUnavailableTheCallerMayRetry() throws Exception {
        MongoSocketReadTimeoutException timeout = new MongoSocketReadTimeoutException("Timeout while receiving message",
                new ServerAddress("127.0.0.1", 27017), new SocketTimeoutException("Read timed out"));
        MockServerWebExchange exchange = answer(new CompletionException(new IllegalStateException("append failed", timeout)));

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(503);
        assertThat(exchange.getResponse().getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
        JsonNode body = json.readTree(exchange.getResponse().getBodyAsString().block());
        assertThat(body.path("code").asText()).isEqualTo("service_unavailable");
        assertThat(body.toString()).doesNotContain("127.0.0.1").doesNotContain("Timeout while receiving");
    }

    @Test
    void noServerToWriteToIsAServiceUnavailable() throws Exception {
        MockServerWebExchange exchange = answer(new MongoTimeoutException("Timed out while waiting for a server"));

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(503);
    }

    @Test
    void aBugIsStillAnInternalError() throws Exception {
        MockServerWebExchange exchange = answer(new IllegalStateException("a bug"));

        assertThat(exchange.getResponse().getStatusCode().value()).isEqualTo(500);
        assertThat(json.readTree(exchange.getResponse().getBodyAsString().block()).path("code").asText()).isEqualTo("internal_error");
    }

    /** Issue 17 item 9: a rule that refuses one field's value names that field, as a refused format does. */
    @Test
    void aRuleRefusingAFieldsValueNamesTheFieldAndAnyOtherRuleNamesNone() throws Exception {
        JsonNode field = json.readTree(answer(new CompletionException(RuleViolation.invalidField("quota", "must be at least 3")))
                .getResponse().getBodyAsString().block());
        assertThat(field.path("code").asText()).isEqualTo("validation_failed");
        assertThat(field.path("errors").get(0).path("field").asText()).isEqualTo("quota");
        assertThat(field.path("errors").get(0).path("message").asText()).isEqualTo("must be at least 3");

        MockServerWebExchange rule = answer(new RuleViolation(io.roster.events.ProblemCode.LAST_ADMIN, "The last admin stays."));
        assertThat(rule.getResponse().getStatusCode().value()).isEqualTo(409);
        assertThat(json.readTree(rule.getResponse().getBodyAsString().block()).has("errors")).isFalse();
    }

    private MockServerWebExchange answer(Throwable error) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/api/v1/users"));
        handler.handle(exchange, error).block();
        return exchange;
    }
}

package io.roster.kit.command;

import io.roster.kit.consistency.ConsistencyToken;
import org.springframework.http.ResponseEntity;

/**
 * What a request's commands answered, and the Consistency-Token that lets a reader wait for their effects
 * (null when they changed nothing).
 */
public record Sent<T>(T result, String consistencyToken) {

    /** The response, with the {@value ConsistencyToken#HEADER} header when there is a token. */
    public <B> ResponseEntity<B> respond(ResponseEntity.BodyBuilder builder, B body) {
        if (consistencyToken != null) {
            builder.header(ConsistencyToken.HEADER, consistencyToken);
        }
        return builder.body(body);
    }
}

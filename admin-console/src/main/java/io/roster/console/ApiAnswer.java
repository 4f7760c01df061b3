package io.roster.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * One answer of Roster's API: its status, its JSON body (a missing node when it had none) and the
 * {@code Consistency-Token} a command answered, which the next read sends back to see that command's effect.
 */
public record ApiAnswer(int status, JsonNode body, String consistencyToken) {

    public ApiAnswer {
        body = body == null ? MissingNode.getInstance() : body;
    }

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** The RFC 9457 problem of a refused call, readable by a person. */
    public ApiProblem problem() {
        return ApiProblem.of(status, body);
    }
}

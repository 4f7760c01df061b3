package io.roster.kit.web;

import io.roster.events.ProblemCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a body announced larger than the limit before reading any of it. Bodies without a length
 * (chunked) are still capped by the codecs' in-memory limit.
 */
public class RequestSizeLimitFilter implements WebFilter {

    private final long maxBytes;

    public RequestSizeLimitFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length > maxBytes) {
            return Mono.error(new ApiProblem(ProblemCode.PAYLOAD_TOO_LARGE,
                    "The request body has " + length + " bytes; at most " + maxBytes + " are accepted."));
        }
        return chain.filter(exchange);
    }
}

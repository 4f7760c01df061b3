package io.roster.kit.web;

import io.roster.events.ProblemCode;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a body announced larger than the limit without keeping any of it. Bodies without a length
 * (chunked) are still capped by the codecs' in-memory limit.
 *
 * <p>A body up to {@value #DRAINED_AT_MOST} bytes is read and dropped before the 413 goes out: every answer closes its
 * connection (roster-kit.yml), and a client still sending its body when the server closed saw the connection reset
 * instead of the 413 (a bulk test failed so under load). Anything larger is refused at once: its sender pays.
 */
public class RequestSizeLimitFilter implements WebFilter {

    static final long DRAINED_AT_MOST = 16L * 1024 * 1024;

    private final long maxBytes;

    public RequestSizeLimitFilter(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length > maxBytes) {
            ApiProblem tooLarge = new ApiProblem(ProblemCode.PAYLOAD_TOO_LARGE,
                    "The request body has " + length + " bytes; at most " + maxBytes + " are accepted.");
            if (length > DRAINED_AT_MOST) {
                return Mono.error(tooLarge);
            }
            return exchange.getRequest().getBody().doOnNext(DataBufferUtils::release).then(Mono.error(tooLarge));
        }
        return chain.filter(exchange);
    }
}

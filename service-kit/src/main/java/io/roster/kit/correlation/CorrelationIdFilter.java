package io.roster.kit.correlation;

import org.springframework.core.Ordered;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/** Takes or makes the request's correlation id, answers it in a header, and puts it in the Reactor context. */
public class CorrelationIdFilter implements WebFilter, Ordered {

    public static final String ATTRIBUTE = CorrelationIdFilter.class.getName() + ".id";

    public CorrelationIdFilter() {
        CorrelationId.register();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String id = CorrelationId.acceptOrCreate(exchange.getRequest().getHeaders().getFirst(CorrelationId.HEADER));
        exchange.getAttributes().put(ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(CorrelationId.HEADER, id);
        return chain.filter(exchange).contextWrite(context -> context.put(CorrelationId.MDC_KEY, id));
    }

    /** Before security, so that refusals carry the id too. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    public static String of(ServerWebExchange exchange) {
        Object id = exchange.getAttribute(ATTRIBUTE);
        return id != null ? id.toString() : CorrelationId.acceptOrCreate(null);
    }
}

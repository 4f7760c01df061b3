package io.roster.kit.axon;

import io.roster.kit.correlation.CorrelationIdFilter;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.UUID;

/**
 * Sends a command from a web request: off the event loop (the command bus blocks on the event store)
 * and with the request's correlation id, which Axon then carries into the events as their trace id.
 * Answers the Consistency-Token of the aggregate the command changed.
 */
public class CommandSender {

    private final CommandGateway gateway;
    private final CommandConsistency consistency;

    public CommandSender(CommandGateway gateway, CommandConsistency consistency) {
        this.gateway = gateway;
        this.consistency = consistency;
    }

    public <R> Mono<Sent<R>> send(Object command, UUID aggregateId, ServerWebExchange exchange) {
        MetaData metaData = MetaData.with("traceId", CorrelationIdFilter.of(exchange));
        return Mono.fromCallable(() -> {
                    R result = gateway.sendAndWait(GenericCommandMessage.asCommandMessage(command).andMetaData(metaData));
                    return new Sent<>(result, consistency.tokenFor(aggregateId));
                })
                .subscribeOn(Schedulers.boundedElastic());
    }

    /** A command's result and the token that lets a reader wait for its effects. */
    public record Sent<R>(R result, String consistencyToken) {
    }
}

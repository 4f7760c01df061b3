package io.roster.identity.config;

import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.commandhandling.gateway.IntervalRetryScheduler;
import org.axonframework.commandhandling.gateway.RetryScheduler;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The command gateway retries a command that lost an optimistic-locking race: when another process (or a
 * stale cached copy) appended to the aggregate first, the event store's unique (aggregate, sequence) index
 * refuses the append with a {@link ConcurrencyException}; the retry loads the aggregate afresh and applies
 * the rules to the new state (two parallel demotions of the last two admins: the second is then refused
 * with {@code last_admin}). Within one process Axon's aggregate lock already serializes commands. Nothing
 * else is retried: a rule's refusal is final.
 */
@Configuration
class CommandGatewayConfiguration {

    /** The retries' thread; not an Executor bean, which would displace Spring Boot's task executor. */
    static final class RetryThread implements AutoCloseable {
        private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "command-retry");
            thread.setDaemon(true);
            return thread;
        });

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    @Bean
    RetryThread commandRetryThread() {
        return new RetryThread();
    }

    @Bean
    CommandGateway commandGateway(CommandBus commandBus, RetryThread commandRetryThread, IdentityProperties properties) {
        IdentityProperties.CommandRetries retries = properties.commandRetries();
        return gateway(commandBus, retryScheduler(commandRetryThread.executor, retries.maxRetries(), (int) retries.interval().toMillis()));
    }

    static CommandGateway gateway(CommandBus commandBus, RetryScheduler retryScheduler) {
        return DefaultCommandGateway.builder().commandBus(commandBus).retryScheduler(retryScheduler).build();
    }

    static RetryScheduler retryScheduler(ScheduledExecutorService executor, int retries, int intervalMillis) {
        return IntervalRetryScheduler.builder()
                .retryExecutor(executor)
                .maxRetryCount(retries)
                .retryInterval(intervalMillis)
                .nonTransientFailurePredicate(failure -> !isConcurrencyFailure(failure))
                .build();
    }

    static boolean isConcurrencyFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }
}

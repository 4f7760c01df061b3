package io.roster.invitation.config;

import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.commandhandling.gateway.IntervalRetryScheduler;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.RuleViolation;
import org.axonframework.common.AxonNonTransientException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * A command that lost an optimistic-locking race with another instance (the event store's unique
 * (aggregate, sequence) index refused its append) is retried on the fresh state: two instances using the
 * last place of a link's quota give one join and one {@code quota_exhausted}. A rule's refusal is final.
 */
@Configuration
class CommandRetries implements DisposableBean {

    // deliberately not a bean: a ScheduledExecutorService bean would also become the executor of every
    // @Scheduled method (Spring Boot then backs off its own scheduler), and a sweep waiting there for a retry
    // scheduled on the same single thread would wait forever
    private final ScheduledExecutorService retryExecutor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "command-retry");
        thread.setDaemon(true);
        return thread;
    });

    @Bean
    CommandGateway commandGateway(CommandBus commandBus) {
        return DefaultCommandGateway.builder().commandBus(commandBus)
                .retryScheduler(IntervalRetryScheduler.builder()
                        .retryExecutor(retryExecutor)
                        .maxRetryCount(5)
                        .retryInterval(50)
                        // Axon asks this of the failure and of each of its causes, and gives up if any is final; so
                        // name what is final (a rule's refusal, Axon's own non-transient errors), not what is not: a
                        // lost race is a ConcurrencyException caused by the index's duplicate-key error, both transient
                        .nonTransientFailurePredicate(CommandRetries::isFinal)
                        .build())
                .build();
    }

    static boolean isFinal(Throwable failure) {
        return failure instanceof RuleViolation || failure instanceof ApiProblem || failure instanceof AxonNonTransientException;
    }

    @Override
    public void destroy() {
        retryExecutor.shutdownNow();
    }
}

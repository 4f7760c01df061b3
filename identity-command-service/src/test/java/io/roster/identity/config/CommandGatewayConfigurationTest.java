package io.roster.identity.config;

import io.roster.events.ProblemCode;
import io.roster.kit.web.RuleViolation;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gateway retries lost optimistic-locking races, and nothing else. */
class CommandGatewayConfigurationTest {

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
    private final SimpleCommandBus bus = SimpleCommandBus.builder().build();
    private final CommandGateway gateway = CommandGatewayConfiguration.gateway(bus, CommandGatewayConfiguration.retryScheduler(executor, 3, 1));
    private final AtomicInteger attempts = new AtomicInteger();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aConcurrencyFailureIsRetriedWithTheRulesAppliedAgain() {
        bus.subscribe(String.class.getName(), message -> {
            if (attempts.incrementAndGet() < 3) {
                throw new ConcurrencyException("another process appended first");
            }
            return "done";
        });
        assertThat((String) gateway.sendAndWait("demote")).isEqualTo("done");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aRuleRefusalIsFinal() {
        bus.subscribe(String.class.getName(), message -> {
            attempts.incrementAndGet();
            throw new RuleViolation(ProblemCode.LAST_ADMIN, "no");
        });
        assertThatThrownBy(() -> gateway.sendAndWait("demote")).isInstanceOf(RuleViolation.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void retriesEnd() {
        bus.subscribe(String.class.getName(), message -> {
            attempts.incrementAndGet();
            throw new ConcurrencyException("always");
        });
        assertThatThrownBy(() -> gateway.sendAndWait("demote")).isInstanceOf(ConcurrencyException.class);
        assertThat(attempts).hasValue(4);
    }
}

package io.roster.kit.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every consumer of the service, started and stopped with it, and what an operator does with their dead letters.
 */
public final class ConsumerRuntimes implements SmartLifecycle {

    private final Map<String, ConsumerRuntime> byGroup = new LinkedHashMap<>();
    private final DeadLetters deadLetters;
    private volatile boolean running;
    private boolean autoStartup = true;

    ConsumerRuntimes(Collection<ConsumerDefinition> definitions, ConsumerFactory<String, byte[]> consumers,
                     WaitingEvents waiting, DeadLetters deadLetters, MeterRegistry meters, ConsumerRuntime.RetryBackOff backOff) {
        this(definitions, consumers, waiting, deadLetters, meters, backOff, 1, container -> {
        });
    }

    /** @param customizer applied to each listener container, as Boot applies {@code ContainerCustomizer} beans to its own */
    ConsumerRuntimes(Collection<ConsumerDefinition> definitions, ConsumerFactory<String, byte[]> consumers,
                     WaitingEvents waiting, DeadLetters deadLetters, MeterRegistry meters, ConsumerRuntime.RetryBackOff backOff,
                     int defaultConcurrency, java.util.function.Consumer<org.springframework.kafka.listener.ConcurrentMessageListenerContainer<String, byte[]>> customizer) {
        this.deadLetters = deadLetters;
        for (ConsumerDefinition definition : definitions) {
            if (byGroup.containsKey(definition.group())) {
                throw new IllegalStateException("Two consumers in group " + definition.group());
            }
            definition.topics().forEach(deadLetters::countFrom);
            byGroup.put(definition.group(), new ConsumerRuntime(definition, consumers, waiting, deadLetters,
                    new ConsumerStatus(definition.group(), meters), backOff, defaultConcurrency, customizer));
        }
    }

    public Optional<ConsumerRuntime> get(String group) {
        return Optional.ofNullable(byGroup.get(group));
    }

    public Collection<ConsumerRuntime> all() {
        return byGroup.values();
    }

    /** A dead letter with how many events wait behind it. */
    public record Listed(DeadLetters.DeadLetter deadLetter, long waiting) {
    }

    List<Listed> deadLetters(int limit) {
        List<Listed> listed = new ArrayList<>();
        for (DeadLetters.DeadLetter deadLetter : deadLetters.newest(limit)) {
            long waiting = get(deadLetter.group()).map(runtime -> runtime.waitingBehind(deadLetter)).orElse(0L);
            listed.add(new Listed(deadLetter, waiting));
        }
        return listed;
    }

    Optional<DeadLetters.DeadLetter> deadLetter(String id) {
        return deadLetters.find(id);
    }

    int redrive(DeadLetters.DeadLetter deadLetter, String who) {
        return runtimeOf(deadLetter).redrive(deadLetter, who);
    }

    int discard(DeadLetters.DeadLetter deadLetter, String who, String reason) {
        return runtimeOf(deadLetter).discard(deadLetter, who, reason);
    }

    private ConsumerRuntime runtimeOf(DeadLetters.DeadLetter deadLetter) {
        return get(deadLetter.group()).orElseThrow(() -> new IllegalStateException(
                "No consumer of group " + deadLetter.group() + " runs in this service"));
    }

    @Override
    public void start() {
        byGroup.values().forEach(ConsumerRuntime::start);
        running = true;
    }

    @Override
    public void stop() {
        byGroup.values().forEach(ConsumerRuntime::stop);
        running = false;
    }

    /** {@code spring.kafka.listener.auto-startup=false} keeps the consumers stopped, as it does spring-kafka's listeners. */
    void setAutoStartup(boolean autoStartup) {
        this.autoStartup = autoStartup;
    }

    @Override
    public boolean isAutoStartup() {
        return autoStartup;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return AbstractMessageListenerContainer.DEFAULT_PHASE;
    }
}

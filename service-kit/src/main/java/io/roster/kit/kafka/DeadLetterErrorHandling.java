package io.roster.kit.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.Topics;
import io.roster.events.UnreadableEventException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.kafka.KafkaAutoConfiguration;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.ExponentialBackOffWithMaxRetries;

/**
 * An unreadable record goes to {@code <topic>.DLT} at once; a record whose projection keeps failing
 * (MongoDB down) is retried with backoff first. Either way it is logged and counted in
 * {@code roster.consumer.dead.letters}, and the consumer moves on.
 */
@AutoConfiguration(before = KafkaAutoConfiguration.class)
@ConditionalOnClass(KafkaTemplate.class)
public class DeadLetterErrorHandling {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterErrorHandling.class);

    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler kafkaErrorHandler(KafkaTemplate<String, byte[]> template, MeterRegistry meters) {
        DeadLetterPublishingRecoverer toDeadLetters = new DeadLetterPublishingRecoverer(template,
                (record, error) -> new TopicPartition(Topics.deadLetter(record.topic()), record.partition()));
        ExponentialBackOffWithMaxRetries backOff = new ExponentialBackOffWithMaxRetries(8);
        backOff.setInitialInterval(200);
        backOff.setMultiplier(2);
        backOff.setMaxInterval(10_000);
        DefaultErrorHandler handler = new DefaultErrorHandler((record, error) -> {
            Throwable cause = listenerFailure(error);
            String reason = cause instanceof UnreadableEventException ? "unreadable" : "failed";
            log.error("Dead-lettering {}-{}@{} ({}): {}", record.topic(), record.partition(), record.offset(), reason,
                    cause.getMessage());
            toDeadLetters.accept(record, error);
            Counter.builder("roster.consumer.dead.letters")
                    .description("Records sent to a dead letter topic")
                    .tag("topic", record.topic()).tag("reason", reason)
                    .register(meters).increment();
        }, backOff);
        handler.addNotRetryableExceptions(UnreadableEventException.class);
        return handler;
    }

    /**
     * What went wrong under the listener's wrappers: a record listener's failure comes wrapped once, a batch
     * listener's twice (in a BatchListenerFailedException naming the record). An unreadable event is found at
     * any depth (it has causes of its own: the decoder's).
     */
    private static Throwable listenerFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof UnreadableEventException) {
                return cause;
            }
        }
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}

package io.roster.kit.revocation;

import com.mongodb.client.MongoDatabase;
import io.roster.events.Topics;
import io.roster.events.identity.PasswordChanged;
import io.roster.events.identity.ProviderRolesChanged;
import io.roster.events.identity.UserDeleted;
import io.roster.kit.consumer.AppliedSequences;
import io.roster.kit.consumer.BatchScope;
import io.roster.kit.consumer.ConsumerDefinition;
import io.roster.kit.consumer.EventHandlers;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

import java.util.List;

/**
 * Token revocation in every service: a consumer of {@code roster.identity.v1} in a group of the service's own
 * ({@code <spring.application.name>-token-revocations-v1}) keeps {@link TokenRevocations} in the service's MongoDB, and
 * every {@link ReactiveJwtDecoder} bean (the API's and, in the invitation service, the pages' session) checks it.
 * No service asks another over HTTP. {@code roster.auth.revocations.enabled=false} turns it off.
 */
@AutoConfiguration(afterName = {"io.roster.kit.mongo.MongoConfiguration", "io.roster.kit.security.SecurityConfiguration"})
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnProperty(name = "roster.auth.revocations.enabled", matchIfMissing = true)
public class RevocationConfiguration {

    @Bean
    TokenRevocations tokenRevocations(MongoDatabase database) {
        return new TokenRevocations(database);
    }

    @Bean
    ConsumerDefinition tokenRevocationsConsumer(TokenRevocations revocations, MongoDatabase database,
                                                @Value("${roster.auth.revocations.consumer-group:${spring.application.name}-token-revocations-v1}") String group,
                                                @Value("${roster.auth.revocations.topic:" + Topics.IDENTITY + "}") String topic) {
        EventHandlers handlers = EventHandlers.builder()
                .on(UserDeleted.class, (event, envelope) -> revocations.deleted(event))
                .on(PasswordChanged.class, (event, envelope) -> revocations.passwordChanged(event))
                .on(ProviderRolesChanged.class, (event, envelope) -> revocations.providerRolesChanged(event))
                .build();
        // a poll at a time: every service runs this consumer over every identity event, most of which it only counts
        // past (one read and one write of applied sequences per poll, not per event)
        return ConsumerDefinition.batches(group, List.of(topic), handlers,
                new AppliedSequences(database, "token-revocations-applied-sequences-v1"), BatchScope.NONE);
    }

    /** Wraps the service's token decoder, whichever configuration declared it. */
    @Bean
    static BeanPostProcessor revocationCheckingDecoders(ObjectProvider<TokenRevocations> revocations) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                return bean instanceof ReactiveJwtDecoder decoder && !(bean instanceof RevocationCheckingJwtDecoder)
                        ? new RevocationCheckingJwtDecoder(decoder, revocations.getObject())
                        : bean;
            }
        };
    }
}

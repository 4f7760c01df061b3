package io.roster.kit.secrets;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/** A {@link SecretBox} for the services given {@code roster.secrets.token-encryption-key}. */
@AutoConfiguration
@ConditionalOnExpression("!'${roster.secrets.token-encryption-key:}'.isBlank()")
public class SecretsConfiguration {
    @Bean
    SecretBox secretBox(Environment environment) {
        return new SecretBox(environment.getRequiredProperty("roster.secrets.token-encryption-key"));
    }
}

package io.roster.testsupport.mongo;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.mongo.MongoClientSettingsBuilderCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Adds the JVM's {@link MongoCommandRecorder} to the MongoClient of every Spring context started in a test JVM that
 * has test-support on its class path (a test-scope dependency only: production never loads this).
 */
@AutoConfiguration
public class CommandRecordingAutoConfiguration {

    @Bean
    MongoClientSettingsBuilderCustomizer mongoCommandRecorderCustomizer() {
        return settings -> settings.addCommandListener(MongoCommandRecorder.instance());
    }
}

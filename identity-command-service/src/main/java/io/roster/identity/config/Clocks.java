package io.roster.identity.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** The clock aggregates and handlers get as a parameter, so tests can fix time. */
@Configuration
class Clocks {
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}

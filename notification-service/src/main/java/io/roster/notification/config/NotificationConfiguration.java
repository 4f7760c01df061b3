package io.roster.notification.config;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Clock;

/** The service's clock (tests may replace it). */
@Configuration(proxyBeanMethods = false)
class NotificationConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}

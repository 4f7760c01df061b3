package io.roster.invitation.config;

import io.roster.kit.security.PublicPaths;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

import java.time.Clock;

/** The clock handlers and aggregates get as a parameter (tests fix it), the public preview, and the expiry schedule. */
@Configuration
@EnableScheduling
class InvitationConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * The preview of an invitation is shown before the invitee logs in, and declining needs no login either (the
     * link's token is the proof); accepting needs a bearer token.
     */
    @Bean
    PublicPaths invitationPublicPaths() {
        return PublicPaths.of("/api/v1/invitations/*", "/api/v1/invitations/*/decline");
    }
}

package io.roster.identity;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Users, credentials and tokens, organizations, memberships, roles and teams: the identity command side. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IdentityApplication {
    public static void main(String[] args) {
        // Axon's update checker reports to AxonIQ's servers at every start; Roster does not phone home unless asked to
        System.setProperty("axoniq.update-checker.disabled", System.getProperty("axoniq.update-checker.disabled", "true"));
        SpringApplication.run(IdentityApplication.class, args);
    }
}

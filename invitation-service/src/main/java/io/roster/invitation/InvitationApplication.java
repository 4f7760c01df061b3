package io.roster.invitation;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Personal invitations, invitation links, bulk CSV jobs and the accept flow: the invitation command side. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InvitationApplication {
    public static void main(String[] args) {
        // Axon's update checker reports to AxonIQ's servers at every start; Roster does not phone home unless asked to
        System.setProperty("axoniq.update-checker.disabled", System.getProperty("axoniq.update-checker.disabled", "true"));
        SpringApplication.run(InvitationApplication.class, args);
    }
}

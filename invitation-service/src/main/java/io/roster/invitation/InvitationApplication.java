package io.roster.invitation;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Personal invitations, invitation links, bulk CSV jobs and the accept flow: the invitation command side. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InvitationApplication {
    public static void main(String[] args) {
        SpringApplication.run(InvitationApplication.class, args);
    }
}

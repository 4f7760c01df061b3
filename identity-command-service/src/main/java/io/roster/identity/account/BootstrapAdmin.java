package io.roster.identity.account;

import io.roster.events.EmailAddress;
import io.roster.events.identity.RegistrationSource;
import io.roster.identity.config.IdentityProperties;
import io.roster.kit.command.Commands;
import io.roster.kit.security.RosterPrincipal;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Creates the configured provider admin at first start. The user id is derived from the address, so a
 * start interrupted half-way completes on the next start and a normal restart changes nothing.
 */
@Component
class BootstrapAdmin implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapAdmin.class);

    private final IdentityProperties.BootstrapAdmin admin;
    private final Accounts accounts;
    private final PasswordEncoder passwords;
    private final Commands commands;
    private final EventStore eventStore;

    BootstrapAdmin(IdentityProperties properties, Accounts accounts, PasswordEncoder passwords,
                   Commands commands, EventStore eventStore) {
        this.admin = properties.bootstrapAdmin();
        this.accounts = accounts;
        this.passwords = passwords;
        this.commands = commands;
        this.eventStore = eventStore;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (admin == null || admin.email() == null || admin.email().isBlank()) {
            log.info("No bootstrap provider admin configured");
            return;
        }
        String email = EmailAddress.normalize(admin.email());
        if (accounts.findByEmail(email).isPresent()) {
            log.info("Bootstrap provider admin: {} (exists)", email);
            return;
        }
        UUID userId = UUID.nameUUIDFromBytes(("bootstrap-admin:" + email).getBytes(StandardCharsets.UTF_8));
        List<String> roles = List.of(RosterPrincipal.PROVIDER_ADMIN);
        if (eventStore.lastSequenceNumberFor(userId.toString()).isEmpty()) {
            commands.sendAndWait(new RegisterUserCommand(userId, email, admin.firstName(), admin.lastName(),
                    RegistrationSource.BOOTSTRAP, true, roles, null));
        }
        accounts.save(new Account(userId, email, passwords.encode(admin.password()), roles));
        log.info("Bootstrap provider admin created: {}", email);
    }
}

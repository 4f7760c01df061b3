package io.roster.identity.account;

import io.roster.events.identity.RegistrationSource;
import io.roster.identity.IdentityHttpTest;
import io.roster.kit.command.Commands;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * Issue 13's crash window in identity's accounts: a registration claims the address (a pending account), stores the
 * user's {@code UserRegistered}, then confirms the account. A process killed between the last two left a registered
 * user who could never log in. Reproduced as {@link UserCreation} runs it, stopped right before the confirmation, with
 * the confirmations' processors down as in the dead process; once the repair processor runs (the restarted
 * service), the account is active and the user logs in.
 */
class AccountConfirmationRepairTest extends IdentityHttpTest {

    @Autowired
    private EventProcessingConfiguration processing;
    @Autowired
    private Accounts accounts;
    @Autowired
    private Commands commands;
    @Autowired
    private PasswordEncoder passwords;

    /** A failed test must not leave the processors stopped for the other tests of the shared context. */
    @AfterEach
    void processorsRunAgain() {
        processing.eventProcessor(AccountConfirmations.PROCESSING_GROUP).ifPresent(EventProcessor::start);
        processing.eventProcessor(AccountConfirmations.REPAIR_GROUP).ifPresent(EventProcessor::start);
    }

    @Test
    void aUserRegisteredButNeverConfirmedLogsInOnceTheRepairRan() {
        String email = uniqueEmail("unconfirmed");
        UUID userId = UUID.randomUUID();
        processing.eventProcessor(AccountConfirmations.REPAIR_GROUP).ifPresent(EventProcessor::shutDown);
        processing.eventProcessor(AccountConfirmations.PROCESSING_GROUP).ifPresent(EventProcessor::shutDown);
        accounts.claim(new Account(userId, email, passwords.encode(PASSWORD), List.of()));
        commands.sendAndWait(new RegisterUserCommand(userId, email, "Un", "Confirmed", RegistrationSource.ADMIN, false,
                List.of(), null));
        // the process dies here: accounts.confirm(userId) never runs

        logIn(email).expectStatus().isUnauthorized();

        processing.eventProcessor(AccountConfirmations.PROCESSING_GROUP).ifPresent(EventProcessor::start);
        processing.eventProcessor(AccountConfirmations.REPAIR_GROUP).ifPresent(EventProcessor::start);
        // asked of the accounts, not by logging in again and again: failed logins of one address are rate-limited
        await("the repair confirmed the account").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> accounts.findByEmail(email).isPresent());
        logIn(email).expectStatus().isOk();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec logIn(String email) {
        return web.post().uri("/api/v1/auth/token").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("email", email, "password", PASSWORD)).exchange();
    }
}

package io.roster.identity.account;

import io.roster.events.EmailAddress;
import io.roster.events.EncryptedSecret;
import io.roster.events.ProblemCode;
import io.roster.events.identity.AccountSetupRequested;
import io.roster.events.identity.EmailVerificationRequested;
import io.roster.events.identity.PasswordChangeMethod;
import io.roster.events.identity.PasswordChanged;
import io.roster.events.identity.PasswordResetReason;
import io.roster.events.identity.PasswordResetRequested;
import io.roster.events.identity.ProviderRolesChanged;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserEmailVerified;
import io.roster.events.identity.UserProfileUpdated;
import io.roster.events.identity.UserRegistered;
import io.roster.events.identity.VerificationMethod;
import io.roster.kit.web.RuleViolation;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

/**
 * A user account: who the person is, independent of any organization. Credentials are not here (nor in
 * any event): {@link Accounts} keeps them. A deleted user is gone for every later command (not found).
 */
@Aggregate
class User {

    @AggregateIdentifier
    private UUID userId;
    private String email;
    private String firstName;
    private String lastName;
    private boolean emailVerified;
    private RegistrationSource source;
    private List<String> providerRoles = List.of();

    User() {
        // for Axon
    }

    @CommandHandler
    User(RegisterUserCommand command, Clock clock) {
        // a constructor's events reach this aggregate's handlers only as it returns; andThen runs after UserRegistered is
        // applied, so that the first link's event reads the account's address and name from it
        apply(new UserRegistered(UUID.randomUUID(), clock.instant(), null, command.actorId(), command.userId(),
                EmailAddress.normalize(command.email()), command.firstName(), command.lastName(), command.source(),
                command.emailVerified(), command.invitationTokenHash())).andThen(() -> {
            if (!command.providerRoles().isEmpty()) {
                apply(new ProviderRolesChanged(UUID.randomUUID(), clock.instant(), null, command.actorId(),
                        command.userId(), command.providerRoles().stream().distinct().sorted().toList()));
            }
            RegisterUserCommand.FirstEmail first = command.firstEmail();
            if (first != null) {
                switch (first.kind()) {
                    case ACCOUNT_SETUP -> requestSetup(first.organizationId(), command.actorId(), first.token(), first.expiresAt(), clock);
                    case EMAIL_VERIFICATION -> requestVerification(command.actorId(), first.token(), first.expiresAt(), clock);
                }
            }
        });
    }

    @CommandHandler
    void handle(RequestAccountSetupCommand command, Clock clock) {
        requestSetup(command.organizationId(), command.actorId(), command.setupToken(), command.expiresAt(), clock);
    }

    @CommandHandler
    void handle(RequestEmailVerificationCommand command, Clock clock) {
        requestVerification(command.actorId(), command.verificationToken(), command.expiresAt(), clock);
    }

    private void requestSetup(UUID organizationId, UUID actorId, EncryptedSecret token, Instant expiresAt, Clock clock) {
        apply(new AccountSetupRequested(UUID.randomUUID(), clock.instant(), organizationId, actorId, userId, email, firstName,
                token, expiresAt));
    }

    private void requestVerification(UUID actorId, EncryptedSecret token, Instant expiresAt, Clock clock) {
        if (emailVerified) {
            throw new RuleViolation(ProblemCode.EMAIL_ALREADY_VERIFIED, email + " is already verified.");
        }
        apply(new EmailVerificationRequested(UUID.randomUUID(), clock.instant(), null, actorId, userId, email, token, expiresAt));
    }

    @CommandHandler
    AddressTrust handle(CheckAddressTrustCommand command) {
        if (emailVerified) {
            return AddressTrust.PROVEN;
        }
        // a sign-up's password is whoever signed up's; an admin-made one has none until its owner sets one, or a provider admin's
        return source == RegistrationSource.SIGN_UP ? AddressTrust.CLAIMED : AddressTrust.VOUCHED_FOR;
    }

    @CommandHandler
    boolean handle(RequestPasswordResetCommand command, Clock clock) {
        if (command.reason() == PasswordResetReason.SIGN_UP_ATTEMPT && emailVerified) {
            return false;
        }
        apply(new PasswordResetRequested(UUID.randomUUID(), clock.instant(), null, command.actorId(), userId, email, firstName,
                command.reason(), command.resetToken(), command.expiresAt()));
        return true;
    }

    @CommandHandler
    PasswordChangeMethod handle(RecordPasswordChangeCommand command, Clock clock) {
        PasswordChangeMethod method = command.method();
        if (method == PasswordChangeMethod.CHANGE) {
            apply(new PasswordChanged(UUID.randomUUID(), clock.instant(), null, command.actorId(), userId, method));
            return method;
        }
        if (method != PasswordChangeMethod.SETUP) {
            method = emailVerified ? PasswordChangeMethod.RESET : PasswordChangeMethod.CLAIM;
        }
        apply(new PasswordChanged(UUID.randomUUID(), clock.instant(), null, command.actorId(), userId, method));
        if (!emailVerified) {
            apply(new UserEmailVerified(UUID.randomUUID(), clock.instant(), null, command.actorId(), userId, email, VerificationMethod.LINK));
        }
        return method;
    }

    @CommandHandler
    void handle(ChangeProviderRolesCommand command, Clock clock) {
        if (!command.actor().providerAdmin()) {
            throw new RuleViolation(ProblemCode.FORBIDDEN, "Only a provider admin may change provider roles.");
        }
        List<String> roles = command.providerRoles().stream().distinct().sorted().toList();
        if (!roles.equals(providerRoles)) {
            apply(new ProviderRolesChanged(UUID.randomUUID(), clock.instant(), null, command.actor().userId(), userId, roles));
        }
    }

    @CommandHandler
    void handle(VerifyEmailCommand command, Clock clock) {
        if (emailVerified) {
            return;
        }
        apply(new UserEmailVerified(UUID.randomUUID(), clock.instant(), null, command.actorId(), userId, email, command.method()));
    }

    @CommandHandler
    boolean handle(VerifyInvitedEmailCommand command, Clock clock) {
        if (emailVerified || command.email() == null || !EmailAddress.normalize(command.email()).equals(email)) {
            return false;
        }
        apply(new UserEmailVerified(UUID.randomUUID(), clock.instant(), null, command.actorId(), userId, email,
                VerificationMethod.INVITATION));
        return true;
    }

    @CommandHandler
    UpdateUserProfileCommand.Profile handle(UpdateUserProfileCommand command, Clock clock) {
        if (!command.actor().providerAdmin() && !command.actor().userId().equals(userId)) {
            throw new RuleViolation(ProblemCode.FORBIDDEN, "Only the user themselves or a provider admin may change a user's name.");
        }
        String newFirst = command.firstName() == null ? firstName : command.firstName().strip();
        String newLast = command.lastName() == null ? lastName : command.lastName().strip();
        if (newFirst.isEmpty() || newLast.isEmpty()) {
            throw RuleViolation.invalidField(newFirst.isEmpty() ? "firstName" : "lastName", "must not be blank");
        }
        if (!newFirst.equals(firstName) || !newLast.equals(lastName)) {
            apply(new UserProfileUpdated(UUID.randomUUID(), clock.instant(), null, command.actor().userId(), userId, newFirst, newLast));
        }
        return new UpdateUserProfileCommand.Profile(userId, newFirst, newLast);
    }

    @CommandHandler
    void handle(DeleteUserCommand command, Clock clock) {
        if (command.actor().userId().equals(userId)) {
            throw new RuleViolation(ProblemCode.CANNOT_DELETE_SELF, "Nobody can delete their own account.");
        }
        if (!command.actor().providerAdmin()) {
            throw new RuleViolation(ProblemCode.FORBIDDEN, "Only a provider admin may delete an account.");
        }
        apply(new UserDeleted(UUID.randomUUID(), clock.instant(), null, command.actor().userId(), userId, email));
    }

    @EventSourcingHandler
    void on(UserRegistered event) {
        this.userId = event.userId();
        this.email = event.email();
        this.firstName = event.firstName();
        this.lastName = event.lastName();
        this.emailVerified = event.emailVerified();
        this.source = event.source();
    }

    @EventSourcingHandler
    void on(UserProfileUpdated event) {
        this.firstName = event.firstName();
        this.lastName = event.lastName();
    }

    @EventSourcingHandler
    void on(UserEmailVerified event) {
        this.emailVerified = true;
    }

    @EventSourcingHandler
    void on(ProviderRolesChanged event) {
        this.providerRoles = List.copyOf(event.providerRoles());
    }

    @EventSourcingHandler
    void on(UserDeleted event) {
        markDeleted();
    }
}

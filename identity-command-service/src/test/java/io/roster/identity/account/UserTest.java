package io.roster.identity.account;

import io.roster.events.EncryptedSecret;
import io.roster.events.identity.AccountSetupRequested;
import io.roster.events.identity.EmailVerificationRequested;
import io.roster.events.identity.ProviderRolesChanged;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserEmailVerified;
import io.roster.events.identity.UserProfileUpdated;
import io.roster.events.identity.UserRegistered;
import io.roster.events.identity.VerificationMethod;
import io.roster.identity.access.Actor;
import org.axonframework.eventsourcing.AggregateDeletedException;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import static io.roster.identity.RuleMatchers.violation;

/** Every rule of a user account, with its code. */
class UserTest {

    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");
    private static final Instant LATER = NOW.plusSeconds(3600);
    private static final UUID USER = UUID.fromString("00000000-0000-0000-0000-000000000011");
    private static final UUID ORG = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final UUID PROVIDER_ADMIN = UUID.fromString("00000000-0000-0000-0000-000000000005");
    private static final UUID SOMEONE = UUID.fromString("00000000-0000-0000-0000-000000000006");
    private static final EncryptedSecret SEALED = new EncryptedSecret("key", "c2VhbGVk");

    private FixtureConfiguration<User> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(User.class);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
        fixture.registerFieldFilter(field -> !field.getName().equals("eventId"));
    }

    private static UserRegistered registered(boolean verified) {
        return new UserRegistered(null, NOW, null, PROVIDER_ADMIN, USER, "ann@acme.io", "Ann", "Lee", RegistrationSource.ADMIN, verified);
    }

    @Test
    void registeringNormalizesTheAddressAndGrantsProviderRolesByTheirOwnEvent() {
        fixture.givenNoPriorActivity()
                .when(new RegisterUserCommand(USER, "  Ann@ACME.io ", "Ann", "Lee", RegistrationSource.ADMIN, false,
                        List.of("provider-admin", "provider-admin"), PROVIDER_ADMIN))
                .expectEvents(registered(false),
                        new ProviderRolesChanged(null, NOW, null, PROVIDER_ADMIN, USER, List.of("provider-admin")));
    }

    @Test
    void aNewAccountsFirstLinkIsRequestedInTheSameAppendAsItsRegistration() {
        fixture.givenNoPriorActivity()
                .when(new RegisterUserCommand(USER, "ann@acme.io", "Ann", "Lee", RegistrationSource.ADMIN, false, List.of(),
                        PROVIDER_ADMIN, null, RegisterUserCommand.FirstEmail.accountSetup(ORG, SEALED, LATER)))
                .expectEvents(registered(false),
                        new AccountSetupRequested(null, NOW, ORG, PROVIDER_ADMIN, USER, "ann@acme.io", "Ann", SEALED, LATER));
        fixture.givenNoPriorActivity()
                .when(new RegisterUserCommand(USER, "ann@acme.io", "Ann", "Lee", RegistrationSource.ADMIN, false, List.of(),
                        PROVIDER_ADMIN, null, RegisterUserCommand.FirstEmail.emailVerification(SEALED, LATER)))
                .expectEvents(registered(false),
                        new EmailVerificationRequested(null, NOW, null, PROVIDER_ADMIN, USER, "ann@acme.io", SEALED, LATER));
    }

    @Test
    void anAccountSetupCarriesTheSealedTokenAndTheCreatingOrganization() {
        fixture.given(registered(false))
                .when(new RequestAccountSetupCommand(USER, ORG, PROVIDER_ADMIN, SEALED, LATER))
                .expectEvents(new AccountSetupRequested(null, NOW, ORG, PROVIDER_ADMIN, USER, "ann@acme.io", "Ann", SEALED, LATER));
    }

    @Test
    void verificationIsRequestedUntilTheAddressIsVerified() {
        fixture.given(registered(false))
                .when(new RequestEmailVerificationCommand(USER, USER, SEALED, LATER))
                .expectEvents(new EmailVerificationRequested(null, NOW, null, USER, USER, "ann@acme.io", SEALED, LATER));
        fixture.given(registered(false), new UserEmailVerified(null, NOW, null, USER, USER, "ann@acme.io", VerificationMethod.LINK))
                .when(new RequestEmailVerificationCommand(USER, USER, SEALED, LATER))
                .expectException(violation("email_already_verified"))
                .expectNoEvents();
    }

    @Test
    void verifyingIsRecordedOnce() {
        fixture.given(registered(false))
                .when(new VerifyEmailCommand(USER, VerificationMethod.LINK, USER))
                .expectEvents(new UserEmailVerified(null, NOW, null, USER, USER, "ann@acme.io", VerificationMethod.LINK));
        fixture.given(registered(true))
                .when(new VerifyEmailCommand(USER, VerificationMethod.LINK, USER))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void theUserOrAProviderAdminChangesTheName() {
        fixture.given(registered(true))
                .when(new UpdateUserProfileCommand(USER, " Anna ", null, new Actor(USER, false)))
                .expectEvents(new UserProfileUpdated(null, NOW, null, USER, USER, "Anna", "Lee"))
                .expectResultMessagePayload(new UpdateUserProfileCommand.Profile(USER, "Anna", "Lee"));
        fixture.given(registered(true))
                .when(new UpdateUserProfileCommand(USER, null, "Li", new Actor(PROVIDER_ADMIN, true)))
                .expectEvents(new UserProfileUpdated(null, NOW, null, PROVIDER_ADMIN, USER, "Ann", "Li"));
        fixture.given(registered(true))
                .when(new UpdateUserProfileCommand(USER, "Eve", null, new Actor(SOMEONE, false)))
                .expectException(violation("forbidden"));
        fixture.given(registered(true))
                .when(new UpdateUserProfileCommand(USER, "Ann", "Lee", new Actor(USER, false)))
                .expectNoEvents();
        fixture.given(registered(true))
                .when(new UpdateUserProfileCommand(USER, " ", null, new Actor(USER, false)))
                .expectException(violation("validation_failed"));
    }

    @Test
    void aProviderAdminDeletesAnAccountWhichIsThenGone() {
        fixture.given(registered(true))
                .when(new DeleteUserCommand(USER, new Actor(PROVIDER_ADMIN, true)))
                .expectEvents(new UserDeleted(null, NOW, null, PROVIDER_ADMIN, USER, "ann@acme.io"))
                .expectMarkedDeleted();
        fixture.given(registered(true), new UserDeleted(null, NOW, null, PROVIDER_ADMIN, USER, "ann@acme.io"))
                .when(new VerifyEmailCommand(USER, VerificationMethod.LINK, USER))
                .expectException(AggregateDeletedException.class);
    }

    @Test
    void nobodyDeletesTheirOwnAccountAndOnlyProviderAdminsDelete() {
        fixture.given(registered(true))
                .when(new DeleteUserCommand(USER, new Actor(USER, true)))
                .expectException(violation("cannot_delete_self"));
        fixture.given(registered(true))
                .when(new DeleteUserCommand(USER, new Actor(SOMEONE, false)))
                .expectException(violation("forbidden"));
    }
    @Test
    void onlyAnUnprovenSelfSignUpMerelyClaimsItsAddress() {
        UserRegistered signedUp = new UserRegistered(null, NOW, null, USER, USER, "ann@acme.io", "Ann", "Lee",
                RegistrationSource.SIGN_UP, false);
        fixture.given(signedUp)
                .when(new CheckAddressTrustCommand(USER))
                .expectResultMessagePayload(AddressTrust.CLAIMED)
                .expectNoEvents();
        fixture.given(signedUp, new UserEmailVerified(null, NOW, null, USER, USER, "ann@acme.io", VerificationMethod.LINK))
                .when(new CheckAddressTrustCommand(USER))
                .expectResultMessagePayload(AddressTrust.PROVEN);
        fixture.given(registered(false))
                .when(new CheckAddressTrustCommand(USER))
                .expectResultMessagePayload(AddressTrust.VOUCHED_FOR);
        fixture.given(new UserRegistered(null, NOW, null, USER, USER, "ann@acme.io", "Ann", "Lee", RegistrationSource.BOOTSTRAP, false))
                .when(new CheckAddressTrustCommand(USER))
                .expectResultMessagePayload(AddressTrust.VOUCHED_FOR);
    }

    @Test
    void acceptingAnInvitationAtTheUsersOwnAddressVerifiesIt() {
        fixture.given(registered(false))
                .when(new VerifyInvitedEmailCommand(USER, " ANN@acme.io ", USER))
                .expectResultMessagePayload(true)
                .expectEvents(new UserEmailVerified(null, NOW, null, USER, USER, "ann@acme.io", VerificationMethod.INVITATION));
    }

    @Test
    void anInvitationAtAnotherAddressOrAnAlreadyVerifiedOneChangesNothing() {
        fixture.given(registered(false))
                .when(new VerifyInvitedEmailCommand(USER, "ann@elsewhere.io", USER))
                .expectResultMessagePayload(false)
                .expectNoEvents();
        fixture.given(registered(true))
                .when(new VerifyInvitedEmailCommand(USER, "ann@acme.io", USER))
                .expectResultMessagePayload(false)
                .expectNoEvents();
        fixture.given(registered(false), new UserEmailVerified(null, NOW, null, USER, USER, "ann@acme.io", VerificationMethod.LINK))
                .when(new VerifyInvitedEmailCommand(USER, "ann@acme.io", USER))
                .expectNoEvents();
    }
}

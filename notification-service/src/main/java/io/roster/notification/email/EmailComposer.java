package io.roster.notification.email;

import io.roster.events.EncryptedSecret;
import io.roster.events.EventCatalog;
import io.roster.events.EventJson;
import io.roster.events.EventType;
import io.roster.events.RosterEvent;
import io.roster.events.UnreadableEventException;
import io.roster.events.identity.AccountSetupRequested;
import io.roster.events.identity.EmailVerificationRequested;
import io.roster.events.identity.PasswordResetRequested;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationReminderSent;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.notification.NotificationKind;
import io.roster.kit.secrets.SecretBox;
import io.roster.notification.config.RequiredSecrets;
import io.roster.notification.directory.OrganizationProjection;
import io.roster.notification.directory.UserFacts;
import io.roster.notification.directory.UserProjection;
import io.roster.notification.smtp.SmtpServer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Turns a delivery into its email at send time: reads the triggering event (its token still sealed),
 * opens the token, looks up the names and addresses the identity events brought, and renders the
 * templates. Facts are read when sending, so an email that waited sees the organization's current name.
 */
@Component
public class EmailComposer {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final SecretBox secrets;
    private final UserProjection users;
    private final OrganizationProjection organizations;
    private final LinkBuilder links;
    private final EmailRenderer renderer;
    private final EmailProperties properties;
    private final Clock clock;

    EmailComposer(ObjectProvider<SecretBox> secrets, UserProjection users, OrganizationProjection organizations,
                  LinkBuilder links, EmailRenderer renderer, EmailProperties properties, Clock clock) {
        this.secrets = RequiredSecrets.of(secrets);
        this.users = users;
        this.organizations = organizations;
        this.links = links;
        this.renderer = renderer;
        this.properties = properties;
        this.clock = clock;
    }

    public Composition compose(EmailSource delivery, SmtpServer server) {
        try {
            return switch (delivery.kind()) {
                case INVITATION -> invitation(delivery, event(delivery, InvitationIssued.class));
                case INVITATION_RESENT -> invitationResent(delivery, event(delivery, InvitationResent.class));
                case INVITATION_REMINDER -> invitationReminder(delivery, event(delivery, InvitationReminderSent.class));
                case ACCOUNT_SETUP -> accountSetup(delivery, event(delivery, AccountSetupRequested.class));
                case EMAIL_VERIFICATION -> emailVerification(delivery, event(delivery, EmailVerificationRequested.class));
                case PASSWORD_RESET, ADDRESS_CLAIM -> passwordReset(delivery, event(delivery, PasswordResetRequested.class));
                case WELCOME -> welcome(delivery, event(delivery, MemberAdded.class));
                case MEMBER_REMOVED -> memberRemoved(delivery, event(delivery, MemberRemoved.class));
                case TEST -> test(delivery, server);
            };
        } catch (UnreadableEventException | ClassCastException e) {
            return new Composition.Impossible("the triggering event cannot be read: " + e.getMessage());
        }
    }

    private Composition invitation(EmailSource delivery, InvitationIssued e) {
        Optional<String> organization = organizations.name(e.organizationId());
        if (organization.isEmpty()) {
            return waitingForOrganization(e.organizationId());
        }
        if (expired(e.expiresAt())) {
            return new Composition.Cancelled("the invitation expired before its email could be sent");
        }
        return withToken(e.token(), token -> {
            Map<String, Object> model = model(e.email(), organization.get(), blankToNull(e.firstName()));
            model.put("inviter", nameOf(e.actorId()));
            model.put("roles", roles(e.roles()));
            model.put("link", links.invitation(token));
            model.put("expiresAt", format(e.expiresAt()));
            return ready(e.email(), NotificationKind.INVITATION, model);
        });
    }

    private Composition invitationResent(EmailSource delivery, InvitationResent e) {
        Optional<String> organization = organizations.name(e.organizationId());
        if (organization.isEmpty()) {
            return waitingForOrganization(e.organizationId());
        }
        if (expired(e.expiresAt())) {
            return new Composition.Cancelled("the invitation expired before its email could be sent");
        }
        return withToken(e.token(), token -> {
            Map<String, Object> model = model(e.email(), organization.get(), null);
            model.put("inviter", nameOf(e.actorId()));
            model.put("link", links.invitation(token));
            model.put("expiresAt", format(e.expiresAt()));
            return ready(e.email(), NotificationKind.INVITATION_RESENT, model);
        });
    }

    /** The one reminder before expiry, with the same link as the last invitation email (the same sealed token). */
    private Composition invitationReminder(EmailSource delivery, InvitationReminderSent e) {
        Optional<String> organization = organizations.name(e.organizationId());
        if (organization.isEmpty()) {
            return waitingForOrganization(e.organizationId());
        }
        if (expired(e.expiresAt())) {
            return new Composition.Cancelled("the invitation expired before its reminder could be sent");
        }
        return withToken(e.token(), token -> {
            Map<String, Object> model = model(e.email(), organization.get(), null);
            model.put("link", links.invitation(token));
            model.put("expiresAt", format(e.expiresAt()));
            return ready(e.email(), NotificationKind.INVITATION_REMINDER, model);
        });
    }

    private Composition accountSetup(EmailSource delivery, AccountSetupRequested e) {
        Optional<String> organization = organizations.name(e.organizationId());
        if (e.organizationId() != null && organization.isEmpty()) {
            return waitingForOrganization(e.organizationId());
        }
        if (expired(e.expiresAt())) {
            return new Composition.Cancelled("the account-setup link expired before its email could be sent");
        }
        return withToken(e.setupToken(), token -> {
            Map<String, Object> model = model(e.email(), organization.orElse(null), blankToNull(e.firstName()));
            model.put("link", links.accountSetup(token));
            model.put("expiresAt", e.expiresAt() == null ? null : format(e.expiresAt()));
            return ready(e.email(), NotificationKind.ACCOUNT_SETUP, model);
        });
    }

    private Composition emailVerification(EmailSource delivery, EmailVerificationRequested e) {
        Optional<String> organization = organizations.name(e.organizationId());
        if (e.organizationId() != null && organization.isEmpty()) {
            return waitingForOrganization(e.organizationId());
        }
        if (expired(e.expiresAt())) {
            return new Composition.Cancelled("the verification link expired before its email could be sent");
        }
        String firstName = users.find(e.userId()).map(UserFacts::firstName).map(EmailComposer::blankToNull).orElse(null);
        return withToken(e.verificationToken(), token -> {
            Map<String, Object> model = model(e.email(), organization.orElse(null), firstName);
            model.put("link", links.emailVerification(token));
            model.put("expiresAt", e.expiresAt() == null ? null : format(e.expiresAt()));
            return ready(e.email(), NotificationKind.EMAIL_VERIFICATION, model);
        });
    }

    /** A reset link, or (after a sign-up attempt) the owner's link to take back an account never verified; same page. */
    private Composition passwordReset(EmailSource delivery, PasswordResetRequested e) {
        if (expired(e.expiresAt())) {
            return new Composition.Cancelled("the password-reset link expired before its email could be sent");
        }
        return withToken(e.resetToken(), token -> {
            Map<String, Object> model = model(e.email(), null, blankToNull(e.firstName()));
            model.put("link", links.passwordReset(token));
            model.put("expiresAt", format(e.expiresAt()));
            return ready(e.email(), delivery.kind(), model);
        });
    }

    private Composition welcome(EmailSource delivery, MemberAdded e) {
        return toMember(e.userId(), e.organizationId(), (user, organization) -> {
            Map<String, Object> model = model(user.email(), organization, blankToNull(user.firstName()));
            model.put("roles", roles(e.roles()));
            model.put("inviter", e.actorId() == null || e.actorId().equals(e.userId()) ? null : nameOf(e.actorId()));
            return ready(user.email(), NotificationKind.WELCOME, model);
        });
    }

    private Composition memberRemoved(EmailSource delivery, MemberRemoved e) {
        UUID remover = e.removedBy() != null ? e.removedBy() : e.actorId();
        return toMember(e.userId(), e.organizationId(), (user, organization) -> {
            Map<String, Object> model = model(user.email(), organization, blankToNull(user.firstName()));
            model.put("inviter", remover == null || remover.equals(e.userId()) ? null : nameOf(remover));
            return ready(user.email(), NotificationKind.MEMBER_REMOVED, model);
        });
    }

    private Composition test(EmailSource delivery, SmtpServer server) {
        String organization = organizations.name(delivery.organizationId()).orElse(String.valueOf(delivery.organizationId()));
        Map<String, Object> model = model(delivery.recipient(), organization, null);
        model.put("smtpServer", server.host() + ":" + server.port() + " (" + server.tlsMode().value() + ")");
        return ready(delivery.recipient(), NotificationKind.TEST, model);
    }

    private Composition toMember(UUID userId, UUID organizationId, MemberEmail email) {
        Optional<UserFacts> user = users.find(userId);
        if (user.isPresent() && user.get().deleted()) {
            return new Composition.Cancelled("the recipient's account was deleted");
        }
        if (user.isEmpty() || user.get().email() == null) {
            return new Composition.Waiting("waiting for the address of user " + userId);
        }
        Optional<String> organization = organizations.name(organizationId);
        if (organization.isEmpty()) {
            return waitingForOrganization(organizationId);
        }
        return email.compose(user.get(), organization.get());
    }

    private interface MemberEmail {
        Composition compose(UserFacts user, String organization);
    }

    private interface TokenEmail {
        Composition compose(String token);
    }

    private Composition withToken(EncryptedSecret sealed, TokenEmail email) {
        if (sealed == null) {
            return new Composition.Impossible("the event carries no token");
        }
        String token;
        try {
            token = secrets.open(sealed);
        } catch (IllegalArgumentException e) {
            return new Composition.Impossible("the token cannot be opened: " + e.getMessage());
        }
        return email.compose(token);
    }

    private Map<String, Object> model(String recipient, String organization, String recipientName) {
        Map<String, Object> model = new HashMap<>();
        model.put("product", properties.productName());
        model.put("organization", organization);
        model.put("recipient", recipient);
        model.put("recipientName", recipientName);
        model.put("inviter", null);
        model.put("roles", null);
        model.put("expiresAt", null);
        return model;
    }

    private Composition ready(String recipient, NotificationKind kind, Map<String, Object> model) {
        return new Composition.Ready(recipient, renderer.render(kind, model));
    }

    private static Composition waitingForOrganization(UUID organizationId) {
        return new Composition.Waiting("waiting for the name of organization " + organizationId);
    }

    private String nameOf(UUID userId) {
        return users.find(userId).filter(u -> !u.deleted()).map(UserFacts::fullName).orElse(null);
    }

    private boolean expired(Instant expiresAt) {
        return expiresAt != null && !expiresAt.isAfter(clock.instant());
    }

    private static String roles(List<String> roles) {
        return roles == null || roles.isEmpty() ? null : String.join(", ", roles);
    }

    private static String format(Instant instant) {
        return DATE.format(instant);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static <T extends RosterEvent> T event(EmailSource delivery, Class<T> type) {
        if (delivery.eventJson() == null || delivery.eventType() == null) {
            throw new UnreadableEventException("the delivery keeps no event");
        }
        EventType.ParsedType parsed = EventType.parse(delivery.eventType());
        Class<? extends RosterEvent> stored = EventCatalog.named(parsed.context(), parsed.name()).javaType();
        return type.cast(EventJson.read(EventJson.tree(delivery.eventJson().getBytes(StandardCharsets.UTF_8)), stored));
    }
}

package io.roster.notification.settings;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.events.EmailAddress;
import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.secrets.SecretBox;
import io.roster.kit.web.ApiProblem;
import io.roster.notification.config.RequiredSecrets;
import io.roster.notification.smtp.TlsMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;

/**
 * An organization's own SMTP server and sender ({@code .../email-settings}): read, replace, remove (back
 * to the platform server), and send a test email. Admins of the organization and provider admins only.
 * The password is sealed with the service's key before it is stored and is never returned.
 */
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/email-settings")
class EmailSettingsController {

    private static final Logger log = LoggerFactory.getLogger(EmailSettingsController.class);

    private final EmailSettingsStore store;
    private final SmtpRouting routing;
    private final OrganizationAccess access;
    private final TestEmails tester;
    private final EmailSettingsProperties limits;
    private final SecretBox secrets;
    private final Clock clock;
    private final SmtpHostPolicy hosts;

    EmailSettingsController(EmailSettingsStore store, SmtpRouting routing, OrganizationAccess access, TestEmails tester,
                            EmailSettingsProperties limits, ObjectProvider<SecretBox> secrets, Clock clock, SmtpHostPolicy hosts) {
        this.hosts = hosts;
        this.store = store;
        this.routing = routing;
        this.access = access;
        this.tester = tester;
        this.limits = limits;
        this.secrets = RequiredSecrets.of(secrets);
        this.clock = clock;
    }

    @GetMapping
    Mono<EmailSettingsView> get(@PathVariable UUID organizationId) {
        return access.admin(organizationId).map(caller -> store.find(organizationId).map(EmailSettingsView::of)
                .orElseThrow(() -> ApiProblem.notFound("Organization " + organizationId
                        + " has no email settings of its own; it sends through the platform SMTP server.")));
    }

    @PutMapping
    Mono<EmailSettingsView> put(@PathVariable UUID organizationId, @RequestBody EmailSettingsRequest request) {
        return access.admin(organizationId).map(caller -> {
            Optional<EmailSettings> stored = store.find(organizationId);
            EmailSettingsValidation.check(request, limits.allowedPorts(), stored.map(s -> s.password() != null).orElse(false));
            hosts.refusal(request.host().trim()).ifPresent(reason -> {
                throw ApiProblem.invalidField("host", reason);
            });
            boolean hasUsername = request.username() != null && !request.username().isEmpty();
            var password = !hasUsername ? null
                    : request.password() == null ? stored.map(EmailSettings::password).orElse(null)
                    : secrets.seal(request.password());
            EmailSettings settings = new EmailSettings(organizationId, request.host().trim(), request.port(),
                    TlsMode.parse(request.tlsMode()).orElseThrow(), hasUsername ? request.username() : null, password,
                    EmailAddress.normalize(request.senderAddress()), blankToNull(request.senderName()), clock.instant(), caller.userId());
            store.save(settings);
            routing.forget(organizationId);
            log.info("Email settings of organization {} set by {}: {}:{} {}", organizationId, caller.userId(),
                    settings.host(), settings.port(), settings.tlsMode().value());
            return EmailSettingsView.of(settings);
        });
    }

    @SuccessStatus(204)
    @DeleteMapping
    Mono<ResponseEntity<Void>> delete(@PathVariable UUID organizationId) {
        return access.admin(organizationId).map(caller -> {
            boolean deleted = store.delete(organizationId);
            routing.forget(organizationId);
            if (deleted) {
                log.info("Email settings of organization {} removed by {}", organizationId, caller.userId());
            }
            return ResponseEntity.noContent().build();
        });
    }

    @PostMapping("/test")
    Mono<TestEmails.TestEmailResult> test(@PathVariable UUID organizationId, @RequestBody TestEmailRequest request,
                                               @RequestHeader(value = "Idempotency-Key", required = false) String idempotencyKey) {
        return access.admin(organizationId).map(caller -> {
            if (!EmailAddress.isValid(request.to())) {
                throw ApiProblem.invalidField("to", EmailAddress.INVALID);
            }
            return tester.send(organizationId, EmailAddress.normalize(request.to()), idempotencyKey);
        });
    }

    record TestEmailRequest(String to) {
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}

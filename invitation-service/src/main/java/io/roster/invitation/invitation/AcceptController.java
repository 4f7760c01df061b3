package io.roster.invitation.invitation;

import io.roster.invitation.directory.IdentityDirectory;
import io.roster.invitation.link.LinkJoins;
import io.roster.kit.axon.CommandSender;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.secrets.SecretBox;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.web.RuleViolation;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * An invitee's side: the preview (no token needed, so the invite page can show it before login) and the
 * accept (bearer token; the caller's address must be the invited one). Tokens are looked up by their
 * SHA-256 only and never echoed.
 */
@RestController
@RequestMapping("/api/v1/invitations/{token}")
class AcceptController {

    private final CommandSender commands;
    private final InvitationLookup lookup;
    private final IdentityDirectory directory;
    private final LinkJoins links;
    private final Clock clock;

    AcceptController(CommandSender commands, InvitationLookup lookup, IdentityDirectory directory, LinkJoins links, Clock clock) {
        this.commands = commands;
        this.lookup = lookup;
        this.directory = directory;
        this.links = links;
        this.clock = clock;
    }

    @GetMapping
    Mono<Preview> preview(@PathVariable String token) {
        return Mono.fromCallable(() -> {
            String hash = SecretBox.hash(token);
            return lookup.byTokenHash(hash)
                    .map(entry -> new Preview(directory.organizationName(entry.organizationId()).orElse(null), entry.roles(),
                            entry.effectiveStatus(clock.instant()), EmailAddresses.mask(entry.email())))
                    .or(() -> links.preview(hash).map(link -> new Preview(link.organizationName(), link.roles(), link.status(),
                            link.emailHint())))
                    .orElseThrow(AcceptController::notFound);
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @PostMapping("/accept")
    Mono<ResponseEntity<Accepted>> accept(@PathVariable String token, ServerWebExchange exchange) {
        return CurrentCaller.get().flatMap(caller -> Mono.fromCallable(() -> {
            String hash = SecretBox.hash(token);
            var personal = lookup.byTokenHash(hash);
            if (personal.isEmpty()) {
                LinkJoins.Joined joined = links.join(hash, caller, exchange).orElseThrow(AcceptController::notFound);
                return ResponseEntity.ok().header(ConsistencyToken.HEADER, joined.consistencyToken())
                        .body(new Accepted(joined.organizationId()));
            }
            InvitationLookup.Entry entry = personal.get();
            CommandSender.Sent<AcceptOutcome> sent = commands.<AcceptOutcome>send(new AcceptInvitationCommand(entry.invitationId(),
                    hash, caller.userId(), caller.email()), entry.invitationId(), exchange).block();
            if (sent.result().rejected()) {
                throw new RuleViolation(sent.result().rejectedCode(),
                        "This invitation was sent to another address than the one you are logged in with.");
            }
            return ResponseEntity.ok().header(ConsistencyToken.HEADER, sent.consistencyToken())
                    .body(new Accepted(sent.result().organizationId()));
        }).subscribeOn(Schedulers.boundedElastic()));
    }

    private static RuleViolation notFound() {
        return new RuleViolation(Invitation.NOT_FOUND, "This invitation link is not valid.");
    }

    record Preview(String organizationName, List<String> roles, String status, String emailHint) {
    }

    record Accepted(UUID organizationId) {
    }
}

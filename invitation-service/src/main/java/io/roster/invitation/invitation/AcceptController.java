package io.roster.invitation.invitation;

import io.roster.events.ProblemCode;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.kit.command.Commands;
import io.roster.kit.security.CurrentCaller;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Instant;
import java.util.UUID;

/**
 * An invitee's side: the preview (no token needed, so the invite page can show it before login), the
 * accept (bearer token; the caller's address must be the invited one) and the decline (no login). The {@code /invite} pages run the same
 * {@link InvitationAcceptance}.
 */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
@RequestMapping("/api/v1/invitations/{token}")
class AcceptController {

    private final InvitationAcceptance acceptance;
    private final Commands commands;

    AcceptController(InvitationAcceptance acceptance, Commands commands) {
        this.acceptance = acceptance;
        this.commands = commands;
    }

    @ProblemCodes({ProblemCode.INVITATION_NOT_FOUND, ProblemCode.RATE_LIMITED})
    @GetMapping
    Mono<InvitationAcceptance.Preview> preview(@PathVariable String token) {
        return Mono.fromCallable(() -> acceptance.preview(token).orElseThrow(InvitationAcceptance::notFound))
                .subscribeOn(Schedulers.boundedElastic());
    }

    @ProblemCodes({ProblemCode.INVITATION_NOT_FOUND, ProblemCode.INVITATION_EXPIRED, ProblemCode.INVITATION_REVOKED, ProblemCode.INVITATION_DISABLED, ProblemCode.INVITATION_USED, ProblemCode.INVITATION_DECLINED, ProblemCode.QUOTA_EXHAUSTED, ProblemCode.MEMBERSHIP_EXPIRED, ProblemCode.EMAIL_MISMATCH, ProblemCode.EMAIL_NOT_VERIFIED, ProblemCode.ALREADY_MEMBER, ProblemCode.USER_IN_OTHER_ORGANIZATION})
    @PostMapping("/accept")
    Mono<ResponseEntity<Accepted>> accept(@PathVariable String token, ServerWebExchange exchange) {
        return CurrentCaller.get().flatMap(caller -> commands.run(exchange, () -> acceptance.accept(token, caller)))
                .map(sent -> sent.respond(ResponseEntity.ok(), new Accepted(sent.result().organizationId(),
                        sent.result().membershipExpiresAt())));
    }

    /**
     * The invitee declines, without logging in: the token is the proof. Only a personal invitation can be declined (a
     * link is for many people; not using it is declining it). Declining twice answers the same.
     */
    @ProblemCodes({ProblemCode.INVITATION_NOT_FOUND, ProblemCode.INVITATION_EXPIRED, ProblemCode.INVITATION_REVOKED,
            ProblemCode.INVITATION_USED, ProblemCode.RATE_LIMITED})
    @PostMapping("/decline")
    Mono<ResponseEntity<Declined>> decline(@PathVariable String token, ServerWebExchange exchange) {
        return commands.run(exchange, () -> acceptance.decline(token))
                .map(sent -> sent.respond(ResponseEntity.ok(), new Declined(sent.result(), InvitationStatus.DECLINED.json())));
    }

    /** @param membershipExpiresAt when the new membership ends, or null for never */
    record Accepted(UUID organizationId, Instant membershipExpiresAt) {
    }

    record Declined(UUID invitationId, String status) {
    }
}

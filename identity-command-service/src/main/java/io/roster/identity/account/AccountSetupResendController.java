package io.roster.identity.account;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.events.ProblemCode;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.identity.access.Actor;
import io.roster.kit.command.Commands;
import io.roster.kit.security.CurrentCaller;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.UUID;

/** PRODUCT.md §4 {@code POST /api/v1/users/{userId}/account-setup}: a new set-up link, the old one dead ({@link AccountSetupResend}). */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
class AccountSetupResendController {

    private final Commands commands;
    private final AccountSetupResend resend;

    AccountSetupResendController(Commands commands, AccountSetupResend resend) {
        this.commands = commands;
        this.resend = resend;
    }

    @ProblemCodes({ProblemCode.ACCOUNT_ALREADY_SET_UP})
    @SuccessStatus(202)
    @PostMapping("/api/v1/users/{userId}/account-setup")
    Mono<ResponseEntity<SetupLinkSent>> resend(@PathVariable UUID userId, ServerWebExchange exchange) {
        return CurrentCaller.get()
                .flatMap(caller -> commands.run(exchange, () -> resend.resend(userId, Actor.of(caller))))
                .map(sent -> sent.respond(ResponseEntity.accepted(), new SetupLinkSent(userId, sent.result())));
    }

    record SetupLinkSent(UUID userId, Instant expiresAt) {
    }
}

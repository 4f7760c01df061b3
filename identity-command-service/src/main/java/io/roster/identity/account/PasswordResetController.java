package io.roster.identity.account;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.events.ProblemCode;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.kit.command.Commands;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.ValidEmailAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;

/**
 * PRODUCT.md §4: asking for a password-reset link (no login: the mailbox is the proof) and choosing the new password
 * through it. The request answers 202 with the same body for every address, known or not.
 */
@RestController
@RequestMapping("/api/v1/auth/password-reset")
class PasswordResetController {

    private final PasswordResets resets;
    private final Commands commands;

    PasswordResetController(PasswordResets resets, Commands commands) {
        this.resets = resets;
        this.commands = commands;
    }

    @SuccessStatus(202)
    @PostMapping
    ResponseEntity<ResetRequested> request(@Valid @RequestBody ResetRequest request, ServerWebExchange exchange) {
        resets.requestReset(request.email(), exchange);
        return ResponseEntity.accepted().body(ResetRequested.ANSWER);
    }

    @ReadYourWrites(ReadYourWrites.Role.ISSUES)
    @ProblemCodes({ProblemCode.TOKEN_NOT_FOUND, ProblemCode.TOKEN_EXPIRED})
    @SuccessStatus(204)
    @PostMapping("/confirm")
    Mono<ResponseEntity<Void>> confirm(@Valid @RequestBody ResetConfirmation confirmation, ServerWebExchange exchange) {
        List<ApiProblem.FieldProblem> problems = Passwords.check("password", confirmation.password());
        if (!problems.isEmpty()) {
            throw ApiProblem.validation(problems);
        }
        return commands.run(exchange, () -> resets.confirm(confirmation.token(), confirmation.password()))
                .map(sent -> sent.respond(ResponseEntity.status(HttpStatus.NO_CONTENT), null));
    }

    /** Only the form of the address is checked here ({@code validation_failed}); that tells nothing about accounts. */
    record ResetRequest(@NotBlank @ValidEmailAddress String email) {
        ResetRequest {
            email = email == null ? null : email.strip();
        }
    }

    record ResetConfirmation(@NotBlank @Size(max = 200) String token, @NotBlank @Size(max = 200) String password) {
    }

    /** The one answer to every reset request. */
    record ResetRequested(String status, String detail) {
        static final ResetRequested ANSWER = new ResetRequested("accepted",
                "If an account uses this address, a link to choose a new password is on its way there.");
    }
}

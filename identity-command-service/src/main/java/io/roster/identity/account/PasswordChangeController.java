package io.roster.identity.account;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.events.ProblemCode;
import io.roster.events.identity.PasswordChangeMethod;
import io.roster.kit.command.Commands;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.RuleViolation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.UUID;

/**
 * PRODUCT.md §4 {@code POST /api/v1/auth/password}: the caller changes their own password, giving the current one.
 * A wrong current password answers 401 {@code invalid_credentials}, as a failed login does (and is counted as one by
 * the rate limits). {@code PasswordChanged} ends every older session, the caller's current one included: they log
 * in again with the new password.
 */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
class PasswordChangeController {

    private final Commands commands;
    private final Accounts accounts;
    private final PasswordEncoder passwords;

    PasswordChangeController(Commands commands, Accounts accounts, PasswordEncoder passwords) {
        this.commands = commands;
        this.accounts = accounts;
        this.passwords = passwords;
    }

    @ProblemCodes({ProblemCode.INVALID_CREDENTIALS})
    @SuccessStatus(204)
    @PostMapping("/api/v1/auth/password")
    Mono<ResponseEntity<Void>> change(@Valid @RequestBody PasswordChange request, ServerWebExchange exchange) {
        List<ApiProblem.FieldProblem> problems = Passwords.check("newPassword", request.newPassword());
        if (!problems.isEmpty()) {
            throw ApiProblem.validation(problems);
        }
        return CurrentCaller.get()
                .flatMap(caller -> commands.run(exchange, () -> change(caller.userId(), request)))
                .map(sent -> sent.respond(ResponseEntity.status(HttpStatus.NO_CONTENT), null));
    }

    private PasswordChangeMethod change(UUID userId, PasswordChange request) {
        Account account = accounts.findActive(userId)
                .orElseThrow(() -> new ApiProblem(ProblemCode.UNAUTHENTICATED, "This account no longer exists."));
        if (account.passwordHash() == null || !passwords.matches(request.currentPassword(), account.passwordHash())) {
            throw new RuleViolation(ProblemCode.INVALID_CREDENTIALS, "The current password is wrong.");
        }
        if (!accounts.setPassword(userId, passwords.encode(request.newPassword()))) {
            throw new ApiProblem(ProblemCode.UNAUTHENTICATED, "This account no longer exists.");
        }
        return commands.sendAndWait(new RecordPasswordChangeCommand(userId, PasswordChangeMethod.CHANGE, userId));
    }

    record PasswordChange(@NotBlank @Size(max = 200) String currentPassword, @NotBlank @Size(max = 200) String newPassword) {
    }
}

package io.roster.identity.account;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.events.EmailAddress;
import io.roster.events.ProblemCode;
import io.roster.events.identity.PasswordChangeMethod;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.VerificationMethod;
import io.roster.identity.config.IdentityProperties;
import io.roster.kit.command.Commands;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.RuleViolation;
import io.roster.kit.web.ValidEmailAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What a person does with their own account: sign up, prove their address, ask for a new verification link,
 * and set the first password of an account an admin created for them.
 */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
@RequestMapping("/api/v1/auth")
class AccountController {

    private static final SignUpInvitation.Admitted NO_INVITATION = new SignUpInvitation.Admitted(null, false, false);

    private final Commands commands;
    private final Accounts accounts;
    private final AccountTokens tokens;
    private final PasswordEncoder passwords;
    private final TokenSeal tokenSeal;
    private final IdentityProperties properties;
    private final SignUpInvitation invitations;
    private final PasswordResets takeBack;

    AccountController(Commands commands, Accounts accounts, AccountTokens tokens, PasswordEncoder passwords, TokenSeal tokenSeal,
                      IdentityProperties properties, SignUpInvitation invitations, PasswordResets takeBack) {
        this.takeBack = takeBack;
        this.invitations = invitations;
        this.commands = commands;
        this.accounts = accounts;
        this.tokens = tokens;
        this.passwords = passwords;
        this.tokenSeal = tokenSeal;
        this.properties = properties;
    }

    /**
     * PRODUCT.md §4. Without open sign-up a sign-up needs a valid invitation token ({@code invitation_required});
     * with one, the token is checked against identity's projection of the invitation tokens (the accept endpoint's
     * codes), its hash goes into {@code UserRegistered}, and the invitation service accepts it from there: the new
     * user lands as a member without further steps. A personal invitation's token was mailed to its address, so
     * holding it proves the address (no verification email); a link does not, so its sign-ups verify by email.
     */
    @ProblemCodes({ProblemCode.EMAIL_TAKEN, ProblemCode.INVITATION_REQUIRED, ProblemCode.EMAIL_MISMATCH, ProblemCode.QUOTA_EXHAUSTED})
    @SuccessStatus(201)
    @PostMapping("/sign-up")
    Mono<ResponseEntity<SignedUp>> signUp(@Valid @RequestBody SignUpRequest request, ServerWebExchange exchange) {
        if (request.invitationToken() == null && !properties.openSignUp()) {
            throw new ApiProblem(ProblemCode.INVITATION_REQUIRED, "Signing up needs an invitation.");
        }
        List<ApiProblem.FieldProblem> problems = Passwords.check("password", request.password());
        if (!problems.isEmpty()) {
            throw ApiProblem.validation(problems);
        }
        return Mono.fromCallable(() -> request.invitationToken() == null ? NO_INVITATION
                        : invitations.check(request.invitationToken(), request.email()))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(invitation -> commands.run(exchange, () -> {
                    UUID userId = UUID.randomUUID();
                    String email = EmailAddress.normalize(request.email());
                    // a link's quota caps sign-ups: a use is held before the account exists, given back if it is not created,
                    // and kept for good once it is
                    invitations.reserve(invitation, userId);
                    try {
                        try {
                            accounts.claim(new Account(userId, email, passwords.encode(request.password()), List.of()));
                        } catch (RuleViolation taken) {
                            // the owner can always take an address back (PRODUCT.md §3a): the answer stays email_taken
                            takeBack.offerTakeBack(email, exchange);
                            throw taken;
                        }
                        try {
                            // a link does not prove the address: its verification link is asked for in the same append
                            RegisterUserCommand.FirstEmail verification = invitation.provesAddress() ? null : verificationLink(userId);
                            commands.sendAndWait(new RegisterUserCommand(userId, email, request.firstName().strip(), request.lastName().strip(),
                                    RegistrationSource.SIGN_UP, invitation.provesAddress(), List.of(), userId,
                                    invitation.tokenHash(), verification));
                        } catch (RuntimeException e) {
                            accounts.release(userId);
                            throw e;
                        }
                    } catch (RuntimeException e) {
                        invitations.release(invitation, userId);
                        throw e;
                    }
                    invitations.confirm(invitation, userId);
                    // the account was confirmed as the registration was stored (AccountConfirmations)
                    return userId;
                }))
                .map(sent -> sent.respond(ResponseEntity.created(URI.create("/api/v1/users/" + sent.result())),
                        new SignedUp(sent.result())));
    }

    @ProblemCodes({ProblemCode.TOKEN_NOT_FOUND, ProblemCode.TOKEN_EXPIRED, ProblemCode.EMAIL_ALREADY_VERIFIED})
    @PostMapping("/verify-email")
    Mono<ResponseEntity<EmailVerified>> verifyEmail(@Valid @RequestBody TokenRequest request, ServerWebExchange exchange) {
        return commands.run(exchange, () -> {
                    UUID userId = tokens.redeem(request.token(), AccountTokens.Purpose.VERIFICATION);
                    commands.sendAndWait(new VerifyEmailCommand(userId, VerificationMethod.LINK, userId));
                    return userId;
                })
                .map(sent -> sent.respond(ResponseEntity.ok(), new EmailVerified(sent.result(), true)));
    }

    /** Sends a new verification link to the caller's address; the older links stop working. */
    @SuccessStatus(202)
    @PostMapping("/verification-email")
    Mono<ResponseEntity<VerificationSent>> resendVerification(ServerWebExchange exchange) {
        return CurrentCaller.get()
                .flatMap(caller -> commands.run(exchange, () -> requestVerification(caller.userId(), caller.userId())))
                .map(sent -> sent.respond(ResponseEntity.accepted(), new VerificationSent(sent.result())));
    }

    /** The first password of an account created without one; proves the address too. */
    @ProblemCodes({ProblemCode.TOKEN_NOT_FOUND, ProblemCode.TOKEN_EXPIRED})
    @PostMapping("/account-setup")
    Mono<ResponseEntity<AccountReady>> setUpAccount(@Valid @RequestBody AccountSetupRequest request, ServerWebExchange exchange) {
        List<ApiProblem.FieldProblem> problems = Passwords.check("password", request.password());
        if (!problems.isEmpty()) {
            throw ApiProblem.validation(problems);
        }
        return commands.run(exchange, () -> {
                    UUID userId = tokens.redeem(request.token(), AccountTokens.Purpose.SETUP);
                    if (!accounts.setPassword(userId, passwords.encode(request.password()))) {
                        throw new ApiProblem(ProblemCode.TOKEN_NOT_FOUND, "This account no longer exists.");
                    }
                    commands.sendAndWait(new RecordPasswordChangeCommand(userId, PasswordChangeMethod.SETUP, userId));
                    return userId;
                })
                .map(sent -> sent.respond(ResponseEntity.ok(), new AccountReady(sent.result())));
    }

    private Instant requestVerification(UUID userId, UUID actorId) {
        AccountTokens.Issued issued = tokens.issue(userId, AccountTokens.Purpose.VERIFICATION, properties.verificationTokenTtl());
        commands.sendAndWait(new RequestEmailVerificationCommand(userId, actorId, tokenSeal.seal(issued.token()), issued.expiresAt()));
        return issued.expiresAt();
    }

    private RegisterUserCommand.FirstEmail verificationLink(UUID userId) {
        AccountTokens.Issued issued = tokens.issue(userId, AccountTokens.Purpose.VERIFICATION, properties.verificationTokenTtl());
        return RegisterUserCommand.FirstEmail.emailVerification(tokenSeal.seal(issued.token()), issued.expiresAt());
    }

    record SignUpRequest(@NotBlank @ValidEmailAddress String email,
                         @NotBlank @Size(max = 200) String password,
                         @NotBlank @Size(max = 100) String firstName,
                         @NotBlank @Size(max = 100) String lastName,
                         @Size(max = 200) String invitationToken) {
        SignUpRequest {
            email = email == null ? null : email.strip();
        }
    }

    record TokenRequest(@NotBlank @Size(max = 200) String token) {
    }

    record AccountSetupRequest(@NotBlank @Size(max = 200) String token, @NotBlank @Size(max = 200) String password) {
    }

    record SignedUp(UUID userId) {
    }

    record EmailVerified(UUID userId, boolean emailVerified) {
    }

    record VerificationSent(Instant expiresAt) {
    }

    record AccountReady(UUID userId) {
    }
}

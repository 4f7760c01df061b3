package io.roster.identity.account;

import io.roster.events.ProblemCode;
import io.roster.events.identity.PasswordChangeMethod;
import io.roster.events.identity.PasswordResetReason;
import io.roster.identity.config.IdentityProperties;
import io.roster.kit.command.Commands;
import io.roster.kit.web.ApiProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

import java.util.Optional;
import java.util.UUID;

/**
 * Password reset, and the owner taking back an address (PRODUCT.md §3a): a link mailed to the address lets whoever
 * reads that mailbox choose the account's password. Used on an account never verified, the link is its owner's
 * claim: the password someone else chose is replaced, the address becomes verified, and {@code PasswordChanged}
 * (method {@code claim}) ends the older sessions.
 *
 * <p>A request's answer never depends on the address: the mail is prepared after the answer has gone, so neither
 * the body nor the time it took tells an unknown address from a known one, or a verified holder from an unverified
 * one.
 */
@Component
class PasswordResets {

    private static final Logger log = LoggerFactory.getLogger(PasswordResets.class);

    private final Commands commands;
    private final Accounts accounts;
    private final AccountTokens tokens;
    private final TokenSeal tokenSeal;
    private final PasswordEncoder passwords;
    private final IdentityProperties properties;

    PasswordResets(Commands commands, Accounts accounts, AccountTokens tokens, TokenSeal tokenSeal, PasswordEncoder passwords,
                   IdentityProperties properties) {
        this.commands = commands;
        this.accounts = accounts;
        this.tokens = tokens;
        this.tokenSeal = tokenSeal;
        this.passwords = passwords;
        this.properties = properties;
    }

    /** Mails a reset link to the address if an account holds it; returns at once, whatever the address. */
    void requestReset(String email, ServerWebExchange exchange) {
        inBackground(exchange, email, PasswordResetReason.REQUESTED);
    }

    /**
     * Someone tried to sign up with an address another account holds: if that account never proved the address, its
     * owner gets a link to take it back. Returns at once: the sign-up answer stays {@code email_taken} either way.
     */
    void offerTakeBack(String email, ServerWebExchange exchange) {
        inBackground(exchange, email, PasswordResetReason.SIGN_UP_ATTEMPT);
    }

    /** Sets the password chosen through a reset link; the token works once. Answers the method recorded. */
    PasswordChangeMethod confirm(String token, String password) {
        UUID userId = tokens.redeem(token, AccountTokens.Purpose.RESET);
        if (!accounts.setPassword(userId, passwords.encode(password))) {
            throw new ApiProblem(ProblemCode.TOKEN_NOT_FOUND, "This account no longer exists.");
        }
        return commands.sendAndWait(new RecordPasswordChangeCommand(userId, PasswordChangeMethod.RESET, userId));
    }

    private void inBackground(ServerWebExchange exchange, String email, PasswordResetReason reason) {
        commands.run(exchange, () -> mail(email, reason))
                .subscribe(sent -> { }, error -> log.warn("Could not prepare a password-reset mail ({}): {}", reason, error.toString()));
    }

    private boolean mail(String email, PasswordResetReason reason) {
        Optional<Account> account = accounts.findByEmail(email);
        if (account.isEmpty()) {
            return false;
        }
        UUID userId = account.get().userId();
        if (reason == PasswordResetReason.SIGN_UP_ATTEMPT && commands.sendAndWait(new CheckAddressTrustCommand(userId)) == AddressTrust.PROVEN) {
            return false; // a verified owner is not mailed on someone else's sign-up; they can ask for a reset themselves
        }
        AccountTokens.Issued issued = tokens.issue(userId, AccountTokens.Purpose.RESET, properties.passwordResetTokenTtl());
        return commands.sendAndWait(new RequestPasswordResetCommand(userId, null, reason, tokenSeal.seal(issued.token()), issued.expiresAt()));
    }
}

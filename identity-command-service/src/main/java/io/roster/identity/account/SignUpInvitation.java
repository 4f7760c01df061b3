package io.roster.identity.account;

import io.roster.events.invitation.LinkAudience;
import io.roster.kit.secrets.SecretBox;
import io.roster.kit.web.RuleViolation;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;

/**
 * Checks the invitation token of a sign-up (PRODUCT.md §4: sign-up needs a valid invitation token unless open
 * sign-up is configured) against identity's projection of the invitation tokens, with the same codes the accept
 * endpoint gives. The acceptance itself stays with the invitation service, which reads the token's hash from
 * the sign-up's {@code UserRegistered}; a link's quota is checked here only as far as identity has seen it used,
 * and exactly there.
 */
@Component
public class SignUpInvitation {

    private final InvitationTokens tokens;
    private final Clock clock;

    SignUpInvitation(InvitationTokens tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A token that may be used to sign up with this address. */
    public record Admitted(String tokenHash, boolean provesAddress) {
    }

    public Admitted check(String rawToken, String email) {
        String hash = SecretBox.hash(rawToken);
        InvitationTokens.Token token = tokens.byHash(hash)
                .orElseThrow(() -> new RuleViolation("invitation_not_found", "This invitation link is not valid."));
        Instant now = clock.instant();
        String address = Account.normalize(email);
        if (token.isLink()) {
            checkLink(token, address, now);
            return new Admitted(hash, false);
        }
        switch (token.status()) {
            case "revoked" -> throw new RuleViolation("invitation_revoked", "This invitation was revoked.");
            case "accepted" -> throw new RuleViolation("invitation_used", "This invitation was already accepted.");
            case "expired" -> throw expired();
            default -> {
                if (token.expiresAt() != null && !now.isBefore(token.expiresAt())) {
                    throw expired();
                }
            }
        }
        if (!token.audience().contains(address)) {
            throw new RuleViolation("email_mismatch", "This invitation was sent to another address; sign up with that one.");
        }
        // the token was mailed to this address: holding it proves the address, as accepting the invitation does
        return new Admitted(hash, true);
    }

    private static void checkLink(InvitationTokens.Token link, String address, Instant now) {
        if ("disabled".equals(link.status())) {
            throw new RuleViolation("invitation_disabled", "This invitation link is disabled.");
        }
        if (link.expiresAt() != null && !now.isBefore(link.expiresAt())) {
            throw expired();
        }
        if (link.quota() != null && link.used() >= link.quota()) {
            throw new RuleViolation("quota_exhausted", "This invitation link was used as often as it may be.");
        }
        if (!LinkAudience.admits(link.audience(), address)) {
            throw new RuleViolation("email_mismatch", "This invitation link is not for this address.");
        }
    }

    private static RuleViolation expired() {
        return new RuleViolation("invitation_expired", "This invitation has expired; ask for a new one.");
    }
}

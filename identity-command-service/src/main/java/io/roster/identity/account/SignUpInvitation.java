package io.roster.identity.account;

import io.roster.events.EmailAddress;
import io.roster.events.ProblemCode;
import io.roster.events.invitation.InvitationValidity;
import io.roster.events.invitation.LinkAudience;
import io.roster.kit.secrets.SecretBox;
import io.roster.kit.web.RuleViolation;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Checks the invitation token of a sign-up (PRODUCT.md §4: sign-up needs a valid invitation token unless open
 * sign-up is configured) against identity's projection of the invitation tokens, with the same codes the accept
 * endpoint gives: whether the invitation can still be used is {@link InvitationValidity}, the decision of the invitation
 * service's aggregates too. The acceptance itself stays with the invitation service, which reads the token's hash from
 * the sign-up's {@code UserRegistered}; a link's quota is checked here only as far as identity has seen it used,
 * and exactly there.
 */
@Component
public class SignUpInvitation {

    private final InvitationTokens tokens;
    private final InvitationDeliveries deliveries;
    private final Clock clock;

    SignUpInvitation(InvitationTokens tokens, InvitationDeliveries deliveries, Clock clock) {
        this.tokens = tokens;
        this.deliveries = deliveries;
        this.clock = clock;
    }

    /**
     * A token that may be used to sign up with this address.
     *
     * @param link whether it is a link's, whose quota a sign-up {@linkplain #reserve reserves} a use of
     */
    public record Admitted(String tokenHash, boolean provesAddress, boolean link) {
    }

    /**
     * Holds a use of a link's quota for this new user before the account is created, so that at most {@code quota}
     * sign-ups get through however many race; a personal invitation or no invitation holds nothing.
     *
     * @throws RuleViolation {@code quota_exhausted} when the link's quota is used up
     */
    public void reserve(Admitted admitted, UUID userId) {
        if (admitted.link() && !tokens.reserve(admitted.tokenHash(), userId)) {
            throw new RuleViolation(ProblemCode.QUOTA_EXHAUSTED, "This invitation link has been used as often as it may be.");
        }
    }

    /**
     * The account exists: what {@link #reserve} held becomes a use of the link, which no longer expires (a reservation
     * alone lapses after a while, in case its sign-up never finishes).
     */
    public void confirm(Admitted admitted, UUID userId) {
        if (admitted.link()) {
            tokens.confirm(admitted.tokenHash(), userId);
        }
    }

    /** Gives back what {@link #reserve} held, when the sign-up failed. */
    public void release(Admitted admitted, UUID userId) {
        if (admitted.link()) {
            tokens.release(admitted.tokenHash(), userId);
        }
    }

    public Admitted check(String rawToken, String email) {
        String hash = SecretBox.hash(rawToken);
        InvitationTokens.Token token = tokens.byHash(hash)
                .orElseThrow(() -> new RuleViolation(ProblemCode.INVITATION_NOT_FOUND, "This invitation link is not valid."));
        Instant now = clock.instant();
        String address = EmailAddress.normalize(email);
        InvitationValidity validity = token.isLink()
                ? InvitationValidity.ofLink(!"disabled".equals(token.status()), token.expiresAt(), token.quota(), token.used(), now)
                : InvitationValidity.ofInvitation(token.status(), token.expiresAt(), now);
        if (!validity.usable()) {
            throw new RuleViolation(validity.code().orElseThrow(), validity.detail());
        }
        if (token.isLink()) {
            if (!LinkAudience.admits(token.audience(), address)) {
                throw new RuleViolation(ProblemCode.EMAIL_MISMATCH, "This invitation link is not for this address.");
            }
            return new Admitted(hash, false, true);
        }
        if (!token.audience().contains(address)) {
            throw new RuleViolation(ProblemCode.EMAIL_MISMATCH, "This invitation was sent to another address; sign up with that one.");
        }
        // the token was mailed to this address: holding it proves the address if only the platform's server carried it
        // (an organization's own server lets whoever runs it read the token); otherwise the platform's verification
        // email follows the sign-up
        return new Admitted(hash, deliveries.onlyThroughPlatform(token.tokenEventId()), false);
    }
}

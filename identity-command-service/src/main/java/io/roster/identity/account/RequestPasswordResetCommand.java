package io.roster.identity.account;

import io.roster.events.EncryptedSecret;
import io.roster.events.identity.PasswordResetReason;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;
import java.util.UUID;

/**
 * Mails the user a link to choose a new password; the token travels sealed. For a sign-up attempt the mail goes
 * only to an address never proven (the owner's chance to take the account back): the answer says whether it went.
 */
public record RequestPasswordResetCommand(@TargetAggregateIdentifier UUID userId, UUID actorId, PasswordResetReason reason,
                                          EncryptedSecret resetToken, Instant expiresAt) {
}

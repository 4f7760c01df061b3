package io.roster.invitation.invitation;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.util.UUID;

/**
 * Record that a pending invitation's invitee is reminded before it expires, its organization's window being
 * {@code reminderHours}; refused unless it is pending, due ({@link ReminderDue}), not expired and not reminded since
 * its last email.
 */
record RemindInvitationCommand(@TargetAggregateIdentifier UUID invitationId, int reminderHours) {
}

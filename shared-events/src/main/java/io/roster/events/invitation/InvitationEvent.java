package io.roster.events.invitation;

import io.roster.events.RosterEvent;

/** Events of personal invitations, invitation links and bulk jobs (topic {@code roster.invitation.v1}). */
public sealed interface InvitationEvent extends RosterEvent permits
        InvitationIssued, InvitationResent, InvitationRevoked, InvitationExpired, InvitationDeclined, InvitationUpdated,
        InvitationReminderSent,
        InvitationAccepted, InvitationAcceptRejected,
        InvitationLinkCreated, InvitationLinkUpdated, InvitationLinkEnabled, InvitationLinkDisabled,
        InvitationLinkUsed, BulkInvitationCompleted {
}

package io.roster.events.invitation;

/** Events of personal invitations, invitation links and bulk jobs (topic {@code roster.invitation.v1}). */
public sealed interface InvitationEvent extends io.roster.events.RosterEvent permits
        InvitationIssued, InvitationResent, InvitationRevoked, InvitationExpired,
        InvitationAccepted, InvitationAcceptRejected,
        InvitationLinkCreated, InvitationLinkUpdated, InvitationLinkEnabled, InvitationLinkDisabled,
        InvitationLinkUsed, BulkInvitationCompleted {
}

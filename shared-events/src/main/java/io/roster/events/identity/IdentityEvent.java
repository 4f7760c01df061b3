package io.roster.events.identity;

/** Events of users, credentials, organizations, memberships, roles and teams (topic {@code roster.identity.v1}). */
public sealed interface IdentityEvent extends io.roster.events.RosterEvent permits
        UserRegistered, UserProfileUpdated, UserEmailVerified, EmailVerificationRequested,
        AccountSetupRequested, UserDeleted, ProviderRolesChanged,
        OrganizationCreated, OrganizationRenamed,
        MemberAdded, MemberRemoved, MemberRolesChanged, MemberTeamsChanged,
        TeamCreated, TeamRenamed, TeamDeleted {
}

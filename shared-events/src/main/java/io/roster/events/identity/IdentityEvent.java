package io.roster.events.identity;

import io.roster.events.RosterEvent;

/** Events of users, credentials, organizations, memberships, roles and teams (topic {@code roster.identity.v1}). */
public sealed interface IdentityEvent extends RosterEvent permits
        UserRegistered, UserProfileUpdated, UserEmailVerified, EmailVerificationRequested,
        AccountSetupRequested, UserDeleted, ProviderRolesChanged, PasswordResetRequested, PasswordChanged,
        OrganizationCreated, OrganizationRenamed,
        MemberAdded, MemberRemoved, MemberRolesChanged, MemberTeamsChanged, MembershipExpiryChanged, MemberExpired,
        TeamCreated, TeamRenamed, TeamDeleted {
}

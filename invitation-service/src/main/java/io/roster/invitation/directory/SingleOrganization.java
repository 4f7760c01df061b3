package io.roster.invitation.directory;

import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Set;
import java.util.UUID;

/**
 * {@code roster.membership.single-organization} (PRODUCT.md §3: one organization per user), as the identity
 * service enforces it on every join. The invitation service applies the same rule before it invites or accepts,
 * from its own {@link IdentityDirectory}, so that a join the identity service would drop is refused up front
 * ({@code user_in_other_organization}) and the invitation stays pending instead of reading "accepted" with no
 * membership. The directory may lag identity by moments; identity remains the final word.
 */
@Component
public class SingleOrganization {

    private final MembershipProperties properties;
    private final IdentityDirectory directory;

    SingleOrganization(MembershipProperties properties, IdentityDirectory directory) {
        this.properties = properties;
        this.directory = directory;
    }

    /** Whether the policy forbids this user joining the organization: on, and a member of another organization. */
    public boolean forbidsJoining(UUID organizationId, UUID userId) {
        return properties.singleOrganization() && directory.isMemberOfAnotherOrganization(organizationId, userId);
    }

    /** The (normalized) addresses among these whose accounts the policy keeps out of the organization. One batch. */
    public Set<String> keptOutByEmail(UUID organizationId, Collection<String> normalizedEmails) {
        return properties.singleOrganization() ? directory.membersOfAnotherOrganizationByEmail(organizationId, normalizedEmails)
                : Set.of();
    }
}

package io.roster.notification.directory;

import io.roster.kit.access.MembershipLookup;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The notification service's knowledge of memberships, for the shared access rule: its own projections. */
@Component
class NotificationMemberships implements MembershipLookup {

    private final MembershipProjection memberships;
    private final OrganizationProjection organizations;

    NotificationMemberships(MembershipProjection memberships, OrganizationProjection organizations) {
        this.memberships = memberships;
        this.organizations = organizations;
    }

    @Override
    public Optional<List<String>> roles(UUID organizationId, UUID userId) {
        return memberships.roles(organizationId, userId);
    }

    @Override
    public boolean organizationExists(UUID organizationId) {
        return organizations.exists(organizationId);
    }
}

package io.roster.query.organization;

import io.roster.kit.access.MembershipLookup;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The query service's knowledge of memberships, for the shared access rule: its own projections. */
@Component
class QueryMemberships implements MembershipLookup {

    private final OrganizationProjection organizations;
    private final MembershipProjection memberships;

    QueryMemberships(OrganizationProjection organizations, MembershipProjection memberships) {
        this.organizations = organizations;
        this.memberships = memberships;
    }

    @Override
    public Optional<List<String>> roles(UUID organizationId, UUID userId) {
        return memberships.roles(organizationId, userId);
    }

    @Override
    public boolean organizationExists(UUID organizationId) {
        return organizations.find(organizationId).isPresent();
    }
}

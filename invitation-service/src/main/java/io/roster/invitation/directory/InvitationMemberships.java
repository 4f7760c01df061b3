package io.roster.invitation.directory;

import io.roster.kit.access.MembershipLookup;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The invitation service's knowledge of memberships, for the shared access rule: its identity directory. */
@Component
class InvitationMemberships implements MembershipLookup {

    private final IdentityDirectory directory;

    InvitationMemberships(IdentityDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Optional<List<String>> roles(UUID organizationId, UUID userId) {
        return directory.roles(organizationId, userId);
    }

    @Override
    public boolean organizationExists(UUID organizationId) {
        return directory.organizationName(organizationId).isPresent();
    }
}

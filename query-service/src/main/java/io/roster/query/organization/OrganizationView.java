package io.roster.query.organization;

import java.time.Instant;
import java.util.UUID;

/** An organization as readers see it. */
public record OrganizationView(UUID organizationId, String name, Instant createdAt, UUID createdBy) {

    OrganizationView withName(String newName) {
        return new OrganizationView(organizationId, newName, createdAt, createdBy);
    }
}

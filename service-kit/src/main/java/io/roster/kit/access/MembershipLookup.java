package io.roster.kit.access;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What a service knows of memberships, from its own projection of the identity events (services never ask each
 * other over HTTP). Each service that guards organizations supplies one; {@link OrganizationAccess} decides with it.
 * Both may block (MongoDB): they are called off the event loop.
 */
public interface MembershipLookup {

    /** The user's role names in the organization, or empty when they are not a member. */
    Optional<List<String>> roles(UUID organizationId, UUID userId);

    /** Whether the organization exists; asked only for provider admins, who may act on every organization. */
    boolean organizationExists(UUID organizationId);
}

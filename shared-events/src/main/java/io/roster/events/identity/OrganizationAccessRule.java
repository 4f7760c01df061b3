package io.roster.events.identity;

import io.roster.events.ProblemCode;

import java.util.Collection;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Who may act on an organization, the same in every service: a provider admin on any organization that exists; a
 * member for what members may do; an admin for what admins may do. Someone who does not belong to the organization is
 * told it does not exist ({@code not_found}, so ids cannot be probed); a member lacking the admin role is refused
 * ({@code forbidden}). Each service applies it to its own knowledge of the caller's roles.
 */
public final class OrganizationAccessRule {

    /** What the caller wants to do. */
    public enum Need {
        /** Read the organization's lists: any member. */
        MEMBER,
        /** Manage it (members, teams, invitations, links, email settings, delivery log): its admins. */
        ADMIN
    }

    private OrganizationAccessRule() {
    }

    /**
     * @param callerRoles the caller's role names in the organization, or null when they are not a member
     * @param organizationExists asked only for a provider admin (a member's organization exists)
     * @return why the caller may not, or empty when they may
     */
    public static Optional<ProblemCode> refusal(Need need, boolean providerAdmin, Collection<String> callerRoles,
                                                BooleanSupplier organizationExists) {
        if (providerAdmin) {
            return organizationExists.getAsBoolean() ? Optional.empty() : Optional.of(ProblemCode.NOT_FOUND);
        }
        if (callerRoles == null) {
            return Optional.of(ProblemCode.NOT_FOUND);
        }
        if (need == Need.ADMIN && !OrganizationRole.includesAdmin(callerRoles)) {
            return Optional.of(ProblemCode.FORBIDDEN);
        }
        return Optional.empty();
    }
}

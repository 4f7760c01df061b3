package io.roster.identity.organization;

import io.roster.events.identity.OrganizationRole;
import io.roster.kit.web.ApiProblem;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The organization roles ({@link OrganizationRole}, the one list) as the aggregate keeps them: bits in the roles'
 * order, which keeps its state (and snapshot) small at ten thousand members.
 */
public final class OrganizationRoles {

    public static final String ADMIN = OrganizationRole.ADMIN.wireName();
    private static final OrganizationRole[] IN_BIT_ORDER = OrganizationRole.values();
    static final int ADMIN_BIT = 1 << OrganizationRole.ADMIN.ordinal();

    private OrganizationRoles() {
    }

    /** The problems of a request's roles, for a {@code validation_failed} answer. */
    public static List<ApiProblem.FieldProblem> problems(String field, Collection<String> roles) {
        return OrganizationRole.problem(roles).map(message -> List.of(new ApiProblem.FieldProblem(field, message)))
                .orElse(List.of());
    }

    /** The roles without repeats, in the stable order. */
    public static List<String> normalize(Collection<String> roles) {
        return names(bits(roles));
    }

    static int bits(Collection<String> roles) {
        int bits = 0;
        for (String name : roles) {
            OrganizationRole role = OrganizationRole.of(name)
                    .orElseThrow(() -> new IllegalArgumentException("unknown role " + name));
            bits |= 1 << role.ordinal();
        }
        return bits;
    }

    /** The roles of the bits, in a stable order (admin, billing-manager, member). */
    static List<String> names(int bits) {
        List<String> names = new ArrayList<>(IN_BIT_ORDER.length);
        for (OrganizationRole role : IN_BIT_ORDER) {
            if ((bits & (1 << role.ordinal())) != 0) {
                names.add(role.wireName());
            }
        }
        return names;
    }
}

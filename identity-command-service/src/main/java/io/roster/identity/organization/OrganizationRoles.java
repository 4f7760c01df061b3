package io.roster.identity.organization;

import io.roster.kit.web.ApiProblem;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The organization roles of PRODUCT.md §3. The aggregate keeps a member's roles as bits, which keeps its
 * state (and snapshot) small at ten thousand members.
 */
public final class OrganizationRoles {

    public static final String ADMIN = "admin";
    public static final String BILLING_MANAGER = "billing-manager";
    public static final String MEMBER = "member";
    /** In bit order. */
    public static final List<String> ALL = List.of(ADMIN, BILLING_MANAGER, MEMBER);
    static final int ADMIN_BIT = 1;

    private OrganizationRoles() {
    }

    /** The roles of {@code roles} that do not exist. */
    public static List<String> unknown(Collection<String> roles) {
        return roles.stream().filter(role -> role == null || !ALL.contains(role)).distinct().toList();
    }

    /** The problems of a request's roles, for a {@code validation_failed} answer. */
    public static List<ApiProblem.FieldProblem> problems(String field, Collection<String> roles) {
        if (roles == null || roles.isEmpty()) {
            return List.of(new ApiProblem.FieldProblem(field, "must name at least one role of " + ALL));
        }
        List<String> unknown = unknown(roles);
        return unknown.isEmpty() ? List.of()
                : List.of(new ApiProblem.FieldProblem(field, "has unknown roles " + unknown + "; the roles are " + ALL));
    }

    /** The roles without repeats, in the stable order. */
    public static List<String> normalize(Collection<String> roles) {
        return names(bits(roles));
    }

    static int bits(Collection<String> roles) {
        int bits = 0;
        for (String role : roles) {
            int index = ALL.indexOf(role);
            if (index < 0) {
                throw new IllegalArgumentException("unknown role " + role);
            }
            bits |= 1 << index;
        }
        return bits;
    }

    /** The roles of the bits, in a stable order (admin, billing-manager, member). */
    static List<String> names(int bits) {
        List<String> names = new ArrayList<>(ALL.size());
        for (int i = 0; i < ALL.size(); i++) {
            if ((bits & (1 << i)) != 0) {
                names.add(ALL.get(i));
            }
        }
        return names;
    }
}

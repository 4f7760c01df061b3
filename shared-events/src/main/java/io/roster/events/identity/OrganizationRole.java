package io.roster.events.identity;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The roles a member has in an organization (PRODUCT.md §3), as events and the API spell them: {@code admin},
 * {@code billing-manager}, {@code member}. The one list every service checks requests and reads events against.
 */
public enum OrganizationRole {
    ADMIN,
    BILLING_MANAGER,
    MEMBER;

    /** Every role's wire name, in this order (admin, billing-manager, member). */
    public static final List<String> NAMES = Arrays.stream(values()).map(OrganizationRole::wireName).toList();
    /** The message of a {@code validation_failed} field problem about roles. */
    public static final String ROLE_LIST = "admin, billing-manager or member";

    private final String wireName;

    OrganizationRole() {
        this.wireName = name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** As events and the API spell it, e.g. {@code billing-manager}. */
    public String wireName() {
        return wireName;
    }

    /** The role of a wire name (exact: {@code Admin} is no role). */
    public static Optional<OrganizationRole> of(String wireName) {
        return Arrays.stream(values()).filter(role -> role.wireName.equals(wireName)).findFirst();
    }

    public static boolean isRole(String wireName) {
        return of(wireName).isPresent();
    }

    /** The names of {@code roles} that are no role (null included), without repeats. */
    public static List<String> unknown(Collection<String> roles) {
        return roles.stream().filter(role -> !isRole(role)).distinct().toList();
    }

    /**
     * What is wrong with a request's roles, as a field problem's message, or empty when they are fine: at least one
     * role and only known ones.
     */
    public static Optional<String> problem(Collection<String> roles) {
        if (roles == null || roles.isEmpty()) {
            return Optional.of("must name at least one role of " + NAMES);
        }
        List<String> unknown = unknown(roles);
        return unknown.isEmpty() ? Optional.empty()
                : Optional.of("has unknown roles " + unknown + "; the roles are " + NAMES);
    }

    /** Whether the wire names include {@code admin}. */
    public static boolean includesAdmin(Collection<String> roles) {
        return roles != null && roles.contains(ADMIN.wireName);
    }

    @Override
    public String toString() {
        return wireName;
    }
}

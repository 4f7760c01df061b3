package io.roster.identity.membership;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param singleOrganization PRODUCT.md §3: a user belongs to at most one organization
 *                           ({@code user_in_other_organization} otherwise)
 */
@ConfigurationProperties("roster.membership")
public record MembershipProperties(@DefaultValue("false") boolean singleOrganization) {
}

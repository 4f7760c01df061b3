package io.roster.invitation.directory;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code roster.membership.*}: the same setting, and environment variable ({@code ROSTER_SINGLE_ORGANIZATION}),
 * as the identity service's, so that both services apply one policy.
 */
@ConfigurationProperties("roster.membership")
public record MembershipProperties(@DefaultValue("false") boolean singleOrganization) {
}

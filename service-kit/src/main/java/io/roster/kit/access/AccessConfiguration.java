package io.roster.kit.access;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.context.annotation.Bean;

/** The one organization access rule, for every service that supplies its {@link MembershipLookup}. */
@AutoConfiguration
public class AccessConfiguration {

    @Bean
    @ConditionalOnBean(MembershipLookup.class)
    OrganizationAccess organizationAccess(MembershipLookup memberships) {
        return new OrganizationAccess(memberships);
    }
}

package io.roster.events.identity;

import io.roster.events.ProblemCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class OrganizationRoleTest {

    @Test
    void theRolesAreAdminBillingManagerAndMemberSpelledAsOnTheWire() {
        assertThat(OrganizationRole.NAMES).containsExactly("admin", "billing-manager", "member");
        assertThat(OrganizationRole.of("billing-manager")).contains(OrganizationRole.BILLING_MANAGER);
        assertThat(OrganizationRole.of("Admin")).as("exact spelling").isEmpty();
        assertThat(OrganizationRole.of("owner")).isEmpty();
        assertThat(OrganizationRole.of(null)).isEmpty();
    }

    @Test
    void namesWhatIsWrongWithARequestsRoles() {
        assertThat(OrganizationRole.problem(List.of("admin", "member"))).isEmpty();
        assertThat(OrganizationRole.problem(List.of())).get().asString().contains("at least one role");
        assertThat(OrganizationRole.problem(null)).isPresent();
        assertThat(OrganizationRole.problem(List.of("admin", "owner", "owner"))).get().asString()
                .contains("[owner]").contains("[admin, billing-manager, member]");
        assertThat(OrganizationRole.unknown(java.util.Arrays.asList("member", null))).containsExactly((String) null);
    }

    @Test
    void anOutsiderIsToldTheOrganizationDoesNotExistAndAMemberWhoIsNoAdminIsRefused() {
        assertThat(OrganizationAccessRule.refusal(OrganizationAccessRule.Need.MEMBER, false, null, () -> true)).contains(ProblemCode.NOT_FOUND);
        assertThat(OrganizationAccessRule.refusal(OrganizationAccessRule.Need.ADMIN, false, null, () -> true)).contains(ProblemCode.NOT_FOUND);
        assertThat(OrganizationAccessRule.refusal(OrganizationAccessRule.Need.MEMBER, false, List.of("member"), () -> true)).isEmpty();
        assertThat(OrganizationAccessRule.refusal(OrganizationAccessRule.Need.ADMIN, false, List.of("member", "billing-manager"), () -> true))
                .contains(ProblemCode.FORBIDDEN);
        assertThat(OrganizationAccessRule.refusal(OrganizationAccessRule.Need.ADMIN, false, List.of("admin"), () -> true)).isEmpty();
    }

    @Test
    void aProviderAdminMayActOnEveryOrganizationThatExists() {
        assertThat(OrganizationAccessRule.refusal(OrganizationAccessRule.Need.ADMIN, true, null, () -> true)).isEmpty();
        assertThat(OrganizationAccessRule.refusal(OrganizationAccessRule.Need.MEMBER, true, null, () -> false)).contains(ProblemCode.NOT_FOUND);
    }
}

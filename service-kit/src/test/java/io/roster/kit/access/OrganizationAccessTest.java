package io.roster.kit.access;

import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrganizationAccessTest {

    private final UUID organization = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();
    private final UUID member = UUID.randomUUID();
    private final UUID outsider = UUID.randomUUID();
    private final Map<UUID, List<String>> roles = Map.of(admin, List.of("admin"), member, List.of("member", "billing-manager"));
    private final OrganizationAccess access = new OrganizationAccess(new MembershipLookup() {
        @Override
        public Optional<List<String>> roles(UUID organizationId, UUID userId) {
            return organizationId.equals(organization) ? Optional.ofNullable(roles.get(userId)) : Optional.empty();
        }

        @Override
        public boolean organizationExists(UUID organizationId) {
            return organizationId.equals(organization);
        }
    });

    @Test
    void anOutsiderIsToldTheOrganizationDoesNotExist() {
        assertThatThrownBy(() -> access.requireMember(caller(outsider), organization)).satisfies(e -> code(e, 404, "not_found"));
        assertThatThrownBy(() -> access.requireAdmin(caller(outsider), organization)).satisfies(e -> code(e, 404, "not_found"));
    }

    @Test
    void aMemberReadsButOnlyAnAdminManages() {
        assertThatCode(() -> access.requireMember(caller(member), organization)).doesNotThrowAnyException();
        assertThatThrownBy(() -> access.requireAdmin(caller(member), organization)).satisfies(e -> code(e, 403, "forbidden"));
        assertThatCode(() -> access.requireAdmin(caller(admin), organization)).doesNotThrowAnyException();
    }

    @Test
    void aProviderAdminActsOnEveryOrganizationThatExists() {
        RosterPrincipal provider = new RosterPrincipal(outsider, "p@x.io", List.of(RosterPrincipal.PROVIDER_ADMIN));
        assertThatCode(() -> access.requireAdmin(provider, organization)).doesNotThrowAnyException();
        assertThatThrownBy(() -> access.requireMember(provider, UUID.randomUUID())).satisfies(e -> code(e, 404, "not_found"));
    }

    private static RosterPrincipal caller(UUID userId) {
        return new RosterPrincipal(userId, userId + "@x.io", List.of());
    }

    private static void code(Throwable e, int status, String code) {
        ApiProblem problem = (ApiProblem) e;
        org.assertj.core.api.Assertions.assertThat(problem.status().value()).isEqualTo(status);
        org.assertj.core.api.Assertions.assertThat(problem.code()).isEqualTo(code);
    }
}

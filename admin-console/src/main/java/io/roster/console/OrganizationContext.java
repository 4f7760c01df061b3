package io.roster.console;

import io.roster.console.RosterApi.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What every organization page needs besides its own table: the organizations the viewer may open (the switcher;
 * the query API lists all of them to a provider admin), the one open now, its teams, and whether the viewer may
 * change it. "May change" only chooses which controls are drawn: the API decides on every call.
 */
@Component
class OrganizationContext {

    static final int PAGE = 200;

    private final RosterApi api;

    OrganizationContext(RosterApi api) {
        this.api = api;
    }

    public record Loaded(List<Views.Organization> organizations, Views.Organization current, List<Views.Team> teams,
                         boolean canAdmin) {}

    Mono<Loaded> load(SignedInUser user, String organizationId, String consistencyToken) {
        Mono<ApiAnswer> organizations = api.get(Service.QUERY, "/api/v1/organizations?limit=" + PAGE, user.accessToken(), null);
        Mono<ApiAnswer> memberships = api.get(Service.QUERY, "/api/v1/users/" + user.userId() + "/memberships?limit=" + PAGE,
                user.accessToken(), consistencyToken);
        Mono<ApiAnswer> teams = api.get(Service.QUERY, "/api/v1/organizations/" + organizationId + "/teams?limit=" + PAGE,
                user.accessToken(), consistencyToken);
        return Mono.zip(organizations, memberships, teams).map(all -> {
            List<Views.Organization> visible = new ArrayList<>();
            all.getT1().body().path("items").forEach(row -> visible.add(Views.Organization.of(row)));
            Optional<Views.Organization> current = visible.stream()
                    .filter(organization -> organization.organizationId().equals(organizationId)).findFirst();
            boolean admin = user.providerAdmin();
            for (var membership : all.getT2().body().path("items")) {
                if (organizationId.equals(membership.path("organizationId").asText())) {
                    admin |= Views.texts(membership.path("roles")).contains("admin");
                }
            }
            List<Views.Team> teamList = new ArrayList<>();
            all.getT3().body().path("items").forEach(row -> teamList.add(Views.Team.of(row)));
            // a refused read of the organization shows with the page's own table (the members read fails alike)
            return new Loaded(visible, current.orElse(new Views.Organization(organizationId, "Unknown organization")),
                    teamList, admin);
        });
    }

    Mono<List<Views.Organization>> organizations(SignedInUser user) {
        return api.get(Service.QUERY, "/api/v1/organizations?limit=" + PAGE, user.accessToken(), null).map(answer -> {
            List<Views.Organization> visible = new ArrayList<>();
            answer.body().path("items").forEach(row -> visible.add(Views.Organization.of(row)));
            return visible;
        });
    }
}

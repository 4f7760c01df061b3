package io.roster.console;

import io.roster.console.RosterApi.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriUtils;
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
        // the open one by its id: a provider admin may open one beyond the switcher's first page
        Mono<ApiAnswer> open = api.get(Service.QUERY, "/api/v1/organizations/" + organizationId, user.accessToken(), consistencyToken);
        Mono<ApiAnswer> memberships = api.get(Service.QUERY, "/api/v1/users/" + user.userId() + "/memberships?limit=" + PAGE,
                user.accessToken(), consistencyToken);
        Mono<ApiAnswer> teams = api.get(Service.QUERY, "/api/v1/organizations/" + organizationId + "/teams?limit=" + PAGE,
                user.accessToken(), consistencyToken);
        return Mono.zip(organizations, open, memberships, teams).map(all -> {
            List<Views.Organization> visible = new ArrayList<>();
            all.getT1().body().path("items").forEach(row -> visible.add(Views.Organization.of(row)));
            Optional<Views.Organization> current = Optional.of(all.getT2()).filter(ApiAnswer::ok).map(answer -> Views.Organization.of(answer.body()))
                    .filter(organization -> organization.organizationId().equals(organizationId))
                    .or(() -> visible.stream().filter(organization -> organization.organizationId().equals(organizationId)).findFirst());
            current.filter(organization -> !visible.contains(organization)).ifPresent(visible::add);
            boolean admin = user.providerAdmin();
            for (var membership : all.getT3().body().path("items")) {
                if (organizationId.equals(membership.path("organizationId").asText())) {
                    admin |= Views.texts(membership.path("roles")).contains("admin");
                }
            }
            List<Views.Team> teamList = new ArrayList<>();
            all.getT4().body().path("items").forEach(row -> teamList.add(Views.Team.of(row)));
            // a refused read of the organization shows with the page's own table (the members read fails alike)
            return new Loaded(visible, current.orElse(new Views.Organization(organizationId, "Unknown organization")),
                    teamList, admin);
        });
    }

    /** A page of the organizations the viewer may open (all of them for a provider admin), from {@code cursor}. */
    Mono<OrganizationsPage> organizations(SignedInUser user, String cursor) {
        String after = cursor == null || cursor.isBlank() ? "" : "&cursor=" + UriUtils.encode(cursor, java.nio.charset.StandardCharsets.UTF_8);
        return api.get(Service.QUERY, "/api/v1/organizations?limit=" + PAGE + after, user.accessToken(), null).map(answer -> {
            List<Views.Organization> visible = new ArrayList<>();
            answer.body().path("items").forEach(row -> visible.add(Views.Organization.of(row)));
            return new OrganizationsPage(visible, answer.body().path("nextCursor").asText(null), answer);
        });
    }

    /** One page of organizations, the cursor of the next (null on the last), and the answer (a refusal shows). */
    record OrganizationsPage(List<Views.Organization> organizations, String nextCursor, ApiAnswer answer) {
    }
}

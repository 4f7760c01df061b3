package io.roster.query.member;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.MemberTeamsChanged;
import io.roster.events.identity.MembershipExpiryChanged;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.RemovalReason;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserProfileUpdated;
import io.roster.events.identity.UserRegistered;
import io.roster.query.AbstractServiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /organizations/{id}/members?asOf=}: exactly who was a member at an instant, with the roles, teams,
 * team names and profiles of that instant, folded from the audit log that Kafka fed.
 */
class MembershipAsOfServiceTest extends AbstractServiceTest {

    private static final String MEMBERS = "/api/v1/organizations/{org}/members";

    private final ObjectMapper json = new ObjectMapper();
    private final UUID org = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();
    private final UUID ann = UUID.randomUUID();
    private final UUID bob = UUID.randomUUID();
    private final UUID core = UUID.randomUUID();
    /** Second 10 of this clock is when the organization was created. */
    private final Instant t = Instant.now().minus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
    private String consistency;

    @BeforeEach
    void history() {
        // the accounts' events travel on their own partitions, the organization's on another
        consistency = publish(
                account(new UserRegistered(UUID.randomUUID(), at(1), null, null, admin, "ada@example.io", "Ada", "Admin",
                        RegistrationSource.ADMIN, true)),
                account(new UserRegistered(UUID.randomUUID(), at(2), null, null, ann, "ann@example.io", "Ann", "Lee",
                        RegistrationSource.ADMIN, true)),
                account(new UserRegistered(UUID.randomUUID(), at(3), null, null, bob, "bob@example.io", "Bob", "Stone",
                        RegistrationSource.ADMIN, true)),
                account(new UserProfileUpdated(UUID.randomUUID(), at(17), null, ann, ann, "Annie", "Lee")),
                event(new OrganizationCreated(UUID.randomUUID(), at(10), org, admin, "AsOf Co")),
                event(new MemberAdded(UUID.randomUUID(), at(11), org, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null)),
                event(new TeamCreated(UUID.randomUUID(), at(12), org, admin, core, "Core", null)),
                event(new MemberAdded(UUID.randomUUID(), at(13), org, admin, ann, List.of("member"), List.of(core), JoinPath.DIRECT, null)),
                event(new MemberAdded(UUID.randomUUID(), at(14), org, admin, bob, List.of("billing-manager"), List.of(), JoinPath.DIRECT, null)),
                event(new TeamRenamed(UUID.randomUUID(), at(15), org, admin, core, "Platform", null)),
                event(new MemberRolesChanged(UUID.randomUUID(), at(16), org, admin, ann, List.of("admin"))),
                event(new MemberTeamsChanged(UUID.randomUUID(), at(18), org, admin, bob, List.of(core))),
                event(new MemberRemoved(UUID.randomUUID(), at(19), org, admin, ann, admin, RemovalReason.REMOVED, null)),
                event(new TeamDeleted(UUID.randomUUID(), at(20), org, admin, core)),
                event(new MemberTeamsChanged(UUID.randomUUID(), at(20), org, admin, bob, List.of())),
                // a provider admin deletes Bob's account: identity removes the membership first, then the account
                event(new MemberRemoved(UUID.randomUUID(), at(22), org, admin, bob, admin, RemovalReason.ACCOUNT_DELETED, UUID.randomUUID())),
                account(new UserDeleted(UUID.randomUUID(), at(22), null, admin, bob, "bob@example.io")));
    }

    @Test
    void beforeTheOrganizationExistedNobodyWasAMember() throws IOException {
        assertThat(members(at(9))).isEmpty();
        assertThat(members(at(10))).isEmpty();
        assertThat(members(t.minus(365, ChronoUnit.DAYS))).isEmpty();
    }

    @Test
    void eachInstantShowsTheMembersRolesTeamsAndNamesOfThatInstant() throws IOException {
        Map<String, JsonNode> afterBobJoined = byEmail(members(at(14)));
        assertThat(afterBobJoined).containsOnlyKeys("ada@example.io", "ann@example.io", "bob@example.io");
        JsonNode annThen = afterBobJoined.get("ann@example.io");
        assertThat(annThen.path("userId").asText()).isEqualTo(ann.toString());
        assertThat(annThen.path("firstName").asText()).isEqualTo("Ann");
        assertThat(annThen.path("lastName").asText()).isEqualTo("Lee");
        assertThat(annThen.path("roles").toString()).isEqualTo("[\"member\"]");
        assertThat(annThen.path("teams").toString()).isEqualTo("[{\"teamId\":\"" + core + "\",\"name\":\"Core\"}]");
        assertThat(annThen.path("status").asText()).isEqualTo("active");
        assertThat(annThen.path("joinedAt").asText()).isEqualTo(at(13).toString());
        assertThat(afterBobJoined.get("bob@example.io").path("roles").toString()).isEqualTo("[\"billing-manager\"]");
        assertThat(afterBobJoined.get("bob@example.io").path("teams").size()).isZero();

        // between Ann's promotion and her removal: admin, in the team under its new name, her name not yet changed
        Map<String, JsonNode> afterPromotion = byEmail(members(at(16).plusMillis(500)));
        assertThat(afterPromotion).containsOnlyKeys("ada@example.io", "ann@example.io", "bob@example.io");
        assertThat(afterPromotion.get("ann@example.io").path("roles").toString()).isEqualTo("[\"admin\"]");
        assertThat(afterPromotion.get("ann@example.io").path("teams").get(0).path("name").asText()).isEqualTo("Platform");
        assertThat(afterPromotion.get("ann@example.io").path("firstName").asText()).isEqualTo("Ann");

        Map<String, JsonNode> beforeRemoval = byEmail(members(at(18)));
        assertThat(beforeRemoval.get("ann@example.io").path("firstName").asText()).isEqualTo("Annie");
        assertThat(beforeRemoval.get("bob@example.io").path("teams").get(0).path("name").asText()).isEqualTo("Platform");

        // the instant of an event includes it
        assertThat(byEmail(members(at(19)))).containsOnlyKeys("ada@example.io", "bob@example.io");
        assertThat(byEmail(members(at(21))).get("bob@example.io").path("teams").size()).isZero();
        assertThat(byEmail(members(at(23)))).containsOnlyKeys("ada@example.io");
    }

    @Test
    void aDeletedAccountIsShownAsItWasWhileItWasAMember() throws IOException {
        // Bob's account is gone today (the current members list knows nothing of him), not from the past
        JsonNode bobThen = byEmail(members(at(21))).get("bob@example.io");
        assertThat(bobThen.path("firstName").asText()).isEqualTo("Bob");
        assertThat(bobThen.path("roles").toString()).isEqualTo("[\"billing-manager\"]");
    }

    @Test
    void filtersAndPagesWorkAsOnTheCurrentList() throws IOException {
        String asOf = at(16).plusMillis(500).toString();
        assertThat(emails(MEMBERS + "?asOf={asOf}&role=admin", asOf)).containsExactly("ada@example.io", "ann@example.io");
        assertThat(emails(MEMBERS + "?asOf={asOf}&teamId=" + core, asOf)).containsExactly("ann@example.io");
        assertThat(emails(MEMBERS + "?asOf={asOf}&q=STON", asOf)).containsExactly("bob@example.io");
        assertThat(emails(MEMBERS + "?asOf={asOf}&status=pending", asOf)).isEmpty();

        List<String> walked = new ArrayList<>();
        JsonNode page = page(MEMBERS + "?asOf={asOf}&limit=2", asOf);
        page.path("items").forEach(item -> walked.add(item.path("email").asText()));
        assertThat(page.path("nextCursor").isNull()).isFalse();
        page = page(MEMBERS + "?asOf={asOf}&limit=2&cursor={cursor}", asOf, page.path("nextCursor").asText());
        page.path("items").forEach(item -> walked.add(item.path("email").asText()));
        assertThat(page.path("nextCursor").isNull()).isTrue();
        assertThat(walked).containsExactly("ada@example.io", "ann@example.io", "bob@example.io");
    }

    @Test
    void anEndDateIsListedNowAndThenAndAnExpiredMemberIsGoneFromTheInstantOfTheExpiry() throws IOException {
        UUID cy = UUID.randomUUID();
        Instant firstEnd = at(40);
        Instant end = at(30);
        consistency = publish(
                account(new UserRegistered(UUID.randomUUID(), at(4), null, null, cy, "cy@example.io", "Cy", "Young",
                        RegistrationSource.ADMIN, true)),
                event(new MemberAdded(UUID.randomUUID(), at(24), org, admin, cy, List.of("member"), List.of(), JoinPath.DIRECT, null,
                        firstEnd)),
                event(new MembershipExpiryChanged(UUID.randomUUID(), at(25), org, admin, cy, end, firstEnd)));
        Map<String, JsonNode> current = byEmail(items(page(MEMBERS + "?limit=200")));
        assertThat(current.get("cy@example.io").path("expiresAt").asText()).isEqualTo(end.toString());
        assertThat(current.get("ada@example.io").has("expiresAt")).as("expiresAt listed, null").isTrue();
        assertThat(current.get("ada@example.io").path("expiresAt").isNull()).isTrue();

        consistency = publish(event(new MemberExpired(UUID.randomUUID(), at(30), org, null, cy, end)));
        assertThat(byEmail(items(page(MEMBERS + "?limit=200")))).containsOnlyKeys("ada@example.io");
        assertThat(byEmail(members(at(24))).get("cy@example.io").path("expiresAt").asText()).isEqualTo(firstEnd.toString());
        assertThat(byEmail(members(at(29))).get("cy@example.io").path("expiresAt").asText()).isEqualTo(end.toString());
        assertThat(byEmail(members(at(30)))).containsOnlyKeys("ada@example.io");
    }

    private static List<JsonNode> items(JsonNode page) {
        List<JsonNode> items = new ArrayList<>();
        page.path("items").forEach(items::add);
        return items;
    }

    @Test
    void aMalformedOrFutureInstantIsRefusedAndStrangersSeeNothing() {
        for (String bad : List.of("yesterday", "2025-03-01T09:30:00", "2025-13-01T00:00:00Z", Instant.now().plusSeconds(3600).toString())) {
            get(tokenOf(admin), null, MEMBERS + "?asOf={asOf}", org, bad).expectStatus().isBadRequest()
                    .expectBody().jsonPath("$.code").isEqualTo("validation_failed")
                    .jsonPath("$.errors[0].field").isEqualTo("asOf");
        }
        get(tokenOf(UUID.randomUUID()), null, MEMBERS + "?asOf={asOf}", org, at(14).toString())
                .expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("not_found");
        get(providerAdminToken(), null, MEMBERS + "?asOf={asOf}", org, at(14).toString())
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(3);
    }

    // ---------------------------------------------------------------------------------------------------------

    private Instant at(int second) {
        return t.plusSeconds(second);
    }

    private EventEnvelope event(RosterEvent event) {
        return log.next(event);
    }

    private EventEnvelope account(RosterEvent event) {
        return log.next(event);
    }

    private List<JsonNode> members(Instant asOf) throws IOException {
        List<JsonNode> items = new ArrayList<>();
        page(MEMBERS + "?asOf={asOf}&limit=200", asOf.toString()).path("items").forEach(items::add);
        return items;
    }

    private List<String> emails(String uri, Object... variables) throws IOException {
        List<String> emails = new ArrayList<>();
        page(uri, variables).path("items").forEach(item -> emails.add(item.path("email").asText()));
        return emails;
    }

    private JsonNode page(String uri, Object... variables) throws IOException {
        Object[] all = new Object[variables.length + 1];
        all[0] = org;
        System.arraycopy(variables, 0, all, 1, variables.length);
        // the reader is the organization's admin today
        return json.readTree(get(tokenOf(admin), consistency, uri, all).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody());
    }

    private static Map<String, JsonNode> byEmail(List<JsonNode> items) {
        Map<String, JsonNode> rows = new TreeMap<>();
        items.forEach(item -> rows.put(item.path("email").asText(), item));
        return rows;
    }
}

package io.roster.identity.organization;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MembershipExpiryChanged;
import io.roster.identity.IdentityHttpTest;
import io.roster.identity.membership.MembershipExpiries;
import io.roster.identity.membership.UserMemberships;
import io.roster.testsupport.MutableClock;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Time-limited memberships over HTTP (issue 17 item 10): {@code expiresAt} on add-member, {@code PUT …/expiry}, their bad
 * input and attackers, and the expiry job against a clock the test moves. The job's own schedule is an hour here, so
 * each test runs it itself, at the moment it chooses (and twice at once, as two instances would).
 */
@TestPropertySource(properties = "roster.membership.expiry-interval=PT1H")
@Import(MembershipExpiryTest.MovableClock.class)
class MembershipExpiryTest extends IdentityHttpTest {

    private static final Logger log = LoggerFactory.getLogger(MembershipExpiryTest.class);

    @TestConfiguration
    static class MovableClock {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock(Clock.systemUTC());
        }
    }

    @Autowired
    private MutableClock clock;
    @Autowired
    private MembershipExpiry expiry;
    @Autowired
    private UserMemberships memberships;

    private static String members(UUID organizationId) {
        return "/api/v1/organizations/" + organizationId + "/members";
    }

    private static String expiryOf(UUID organizationId, UUID userId) {
        return members(organizationId) + "/" + userId + "/expiry";
    }

    private Instant inDays(int days) {
        return clock.instant().plus(days, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
    }

    private static Map<String, Object> expiresAt(Object value) {
        Map<String, Object> body = new HashMap<>();
        body.put("expiresAt", value);
        return body;
    }

    @Test
    void anAdminAddsWithAnEndDateChangesItAndClearsIt() {
        TestUser founder = createUser("founder", List.of());
        UUID org = createOrganization(founder.token(), "Until");
        TestUser user = createUser("temp", List.of());
        Instant end = inDays(30);

        JsonNode added = body(post(founder.token(), members(org), Map.of("userId", user.userId().toString(), "roles", List.of("member"),
                "expiresAt", end.toString())).expectStatus().isCreated());
        Instant later = inDays(60);
        EntityExchangeResult<JsonNode> extended = put(founder.token(), expiryOf(org, user.userId()), expiresAt(later.toString()))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult();
        EntityExchangeResult<JsonNode> cleared = put(founder.token(), expiryOf(org, user.userId()), expiresAt(null))
                .expectStatus().isOk().expectBody(JsonNode.class).returnResult();

        List<MembershipExpiryChanged> changes = eventsOf(org, MembershipExpiryChanged.class);
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(added.path("expiresAt").asText()).as("add answer").isEqualTo(end.toString());
        softly.assertThat(eventsOf(org, MemberAdded.class)).filteredOn(e -> e.userId().equals(user.userId()))
                .extracting(MemberAdded::expiresAt).containsExactly(end);
        softly.assertThat(extended.getResponseBody().path("expiresAt").asText()).isEqualTo(later.toString());
        softly.assertThat(tokenOf(extended)).as("Consistency-Token of the PUT").containsOnlyKeys(org.toString());
        softly.assertThat(cleared.getResponseBody().path("expiresAt").isNull()).as("cleared answer").isTrue();
        softly.assertThat(changes).extracting(MembershipExpiryChanged::expiresAt, MembershipExpiryChanged::previous)
                .containsExactly(tuple(later, end), tuple(null, later));
        softly.assertThat(changes).extracting(MembershipExpiryChanged::actorId).containsOnly(founder.userId());
        log.info("add {} -> PUT {} -> PUT null: {} MembershipExpiryChanged", end, later, changes.size());
        softly.assertAll();
    }

    /** A user created straight into an organization (POST /api/v1/users memberships[]) may be given an end date too. */
    @Test
    void aUserCreatedIntoAnOrganizationWithAnEndDateJoinsUntilThenAndBadDatesNameTheirMembership() {
        TestUser founder = createUser("creator", List.of());
        UUID org = createOrganization(founder.token(), "Created Until");
        Instant end = clock.instant().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("past", clock.instant().minusSeconds(60).toString());
        bad.put("11 years", clock.instant().atOffset(ZoneOffset.UTC).plusYears(11).toInstant().toString());
        bad.put("garbage", "garbage");
        bad.put("number", end.getEpochSecond());

        SoftAssertions softly = new SoftAssertions();
        List<String> report = new ArrayList<>();
        bad.forEach((name, value) -> {
            Map<String, Object> membership = new HashMap<>(Map.of("organizationId", org.toString(), "roles", List.of("member")));
            membership.put("expiresAt", value);
            EntityExchangeResult<JsonNode> result = post(founder.token(), "/api/v1/users", Map.of("firstName", "Bad", "lastName", "Date",
                    "email", "bad-" + name.replace(' ', '-') + "-" + UUID.randomUUID() + "@example.com", "memberships", List.of(membership)))
                    .expectBody(JsonNode.class).returnResult();
            report.add(name + " -> " + result.getStatus().value() + " " + result.getResponseBody());
            softly.assertThat(result.getStatus().value()).as("%s status", name).isEqualTo(400);
            softly.assertThat(result.getResponseBody().path("errors").path(0).path("field").asText()).as("%s field", name)
                    .isEqualTo("memberships[0].expiresAt");
        });
        String userId = post(founder.token(), "/api/v1/users", Map.of("firstName", "Tem", "lastName", "Porary",
                "email", "temporary-" + UUID.randomUUID() + "@example.com",
                "memberships", List.of(Map.of("organizationId", org.toString(), "roles", List.of("member"), "expiresAt", end.toString()))))
                .expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody().path("userId").asText();
        log.info("users created with end dates:\n{}", String.join("\n", report));
        softly.assertThat(eventsOf(org, MemberAdded.class)).as("the members added: the founder and the created user only")
                .extracting(added -> added.userId().toString(), MemberAdded::expiresAt)
                .containsExactly(tuple(founder.userId().toString(), null),
                        tuple(userId, end));
        softly.assertAll();
    }

    @Test
    void badEndDatesAreRefusedNamingTheFieldOnBothEndpoints() {
        TestUser founder = createUser("founder", List.of());
        UUID org = createOrganization(founder.token(), "Bad Dates");
        TestUser member = createMember(org, "member");
        TestUser user = createUser("late", List.of());
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("past", clock.instant().minusSeconds(60).toString());
        bad.put("garbage", "garbage");
        bad.put("11 years", clock.instant().atOffset(ZoneOffset.UTC).plusYears(11).toInstant().toString());
        bad.put("number", clock.instant().plus(1, ChronoUnit.DAYS).getEpochSecond());
        bad.put("object", Map.of("at", "tomorrow"));

        SoftAssertions softly = new SoftAssertions();
        List<String> report = new ArrayList<>();
        bad.forEach((name, value) -> {
            Map<String, Object> add = new HashMap<>(Map.of("userId", user.userId().toString(), "roles", List.of("member")));
            add.put("expiresAt", value);
            for (var answer : List.of(Map.entry("POST", post(founder.token(), members(org), add)),
                    Map.entry("PUT", put(founder.token(), expiryOf(org, member.userId()), expiresAt(value))))) {
                EntityExchangeResult<JsonNode> result = answer.getValue().expectBody(JsonNode.class).returnResult();
                JsonNode problem = result.getResponseBody();
                report.add(answer.getKey() + " " + name + " -> " + result.getStatus().value() + " " + problem);
                softly.assertThat(result.getStatus().value()).as("%s %s status", answer.getKey(), name).isEqualTo(400);
                softly.assertThat(problem.path("errors").path(0).path("field").asText()).as("%s %s field: %s", answer.getKey(), name, problem)
                        .isEqualTo("expiresAt");
            }
        });
        log.info("bad end dates:\n{}", String.join("\n", report));
        softly.assertThat(eventsOf(org, MembershipExpiryChanged.class)).as("no change from bad input").isEmpty();
        softly.assertThat(eventsOf(org, MemberAdded.class)).as("nobody added by bad input").hasSize(2);
        softly.assertAll();
    }

    @Test
    void attackersAndTheLastAdminAreRefused() {
        TestUser founder = createUser("founder", List.of());
        UUID org = createOrganization(founder.token(), "Guarded");
        TestUser member = createMember(org, "member");
        TestUser attacker = createUser("attacker", List.of());
        UUID attackersOrg = createOrganization(attacker.token(), "Attackers");
        Instant end = inDays(10);

        SoftAssertions softly = new SoftAssertions();
        // the attacker, an admin elsewhere, learns nothing about the organization nor its members
        JsonNode outsider = problem(put(attacker.token(), expiryOf(org, member.userId()), expiresAt(end.toString())),
                HttpStatus.NOT_FOUND, "not_found");
        JsonNode outsiderStranger = problem(put(attacker.token(), expiryOf(org, UUID.randomUUID()), expiresAt(end.toString())),
                HttpStatus.NOT_FOUND, "not_found");
        softly.assertThat(outsider.path("detail").asText()).as("same answer for a member and a stranger")
                .isEqualTo(outsiderStranger.path("detail").asText());
        problem(put(member.token(), expiryOf(org, member.userId()), expiresAt(null)), HttpStatus.FORBIDDEN, "forbidden");
        problem(put(member.token(), expiryOf(org, founder.userId()), expiresAt(end.toString())), HttpStatus.FORBIDDEN, "forbidden");
        problem(put(founder.token(), expiryOf(org, attacker.userId()), expiresAt(end.toString())), HttpStatus.NOT_FOUND, "not_found");
        problem(put(founder.token(), expiryOf(UUID.randomUUID(), member.userId()), expiresAt(end.toString())), HttpStatus.NOT_FOUND, "not_found");

        // the last admin never expires; an admin with an end date does not count as the one that keeps the organization
        problem(put(founder.token(), expiryOf(org, founder.userId()), expiresAt(end.toString())), HttpStatus.CONFLICT, "last_admin");
        TestUser deputy = createUser("deputy", List.of());
        post(founder.token(), members(org), Map.of("userId", deputy.userId().toString(), "roles", List.of("admin"),
                "expiresAt", end.toString())).expectStatus().isCreated();
        problem(put(deputy.token(), members(org) + "/" + founder.userId() + "/roles", Map.of("roles", List.of("member"))),
                HttpStatus.CONFLICT, "last_admin");
        problem(delete(deputy.token(), members(org) + "/" + founder.userId()), HttpStatus.CONFLICT, "last_admin");
        problem(post(founder.token(), "/api/v1/organizations/" + org + "/leave", Map.of()), HttpStatus.CONFLICT, "last_admin");
        problem(put(deputy.token(), expiryOf(org, founder.userId()), expiresAt(end.toString())), HttpStatus.CONFLICT, "last_admin");
        // once the deputy's end date is gone, the founder may get one
        put(founder.token(), expiryOf(org, deputy.userId()), expiresAt(null)).expectStatus().isOk();
        put(deputy.token(), expiryOf(org, founder.userId()), expiresAt(end.toString())).expectStatus().isOk();

        softly.assertThat(eventsOf(attackersOrg, MembershipExpiryChanged.class)).isEmpty();
        softly.assertThat(eventsOf(org, MembershipExpiryChanged.class)).extracting(MembershipExpiryChanged::userId)
                .containsExactly(deputy.userId(), founder.userId());
        softly.assertAll();
    }

    @Test
    void theJobExpiresADueMembershipOnceAndLeavesExtendedAndRemovedOnesAlone() throws Exception {
        TestUser founder = createUser("founder", List.of());
        UUID org = createOrganization(founder.token(), "Lapses");
        TestUser due = createUser("due", List.of());
        TestUser extended = createUser("extended", List.of());
        TestUser removed = createUser("removed", List.of());
        Instant end = clock.instant().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        for (TestUser user : List.of(due, extended, removed)) {
            post(founder.token(), members(org), Map.of("userId", user.userId().toString(), "roles", List.of("member"),
                    "expiresAt", end.toString())).expectStatus().isCreated();
        }
        put(founder.token(), expiryOf(org, extended.userId()), expiresAt(end.plus(2, ChronoUnit.DAYS).toString())).expectStatus().isOk();
        delete(founder.token(), members(org) + "/" + removed.userId()).expectStatus().isOk();

        expiry.expireDue();
        int beforeTheEnd = eventsOf(org, MemberExpired.class).size();

        clock.advance(Duration.ofHours(2));
        // two instances' jobs at the same moment
        CyclicBarrier together = new CyclicBarrier(2);
        List<CompletableFuture<Void>> jobs = List.of(
                CompletableFuture.runAsync(() -> await(together, expiry::expireDue)),
                CompletableFuture.runAsync(() -> await(together, expiry::expireDue)));
        CompletableFuture.allOf(jobs.toArray(CompletableFuture[]::new)).get();
        expiry.expireDue();
        Instant jobTime = clock.instant();
        long stillDue = mongo.getCollection(MembershipExpiries.COLLECTION).countDocuments(
                com.mongodb.client.model.Filters.lte("expiresAt", java.util.Date.from(jobTime)));
        // back to real time: the tokens are checked against it
        clock.advance(Duration.ofHours(-2));

        List<MemberExpired> expired = eventsOf(org, MemberExpired.class);
        String founderToken = founder.token();
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(beforeTheEnd).as("MemberExpired before the end date").isZero();
        softly.assertThat(expired).as("MemberExpired after three job runs, two at once").singleElement().satisfies(e -> {
            assertThat(e.userId()).isEqualTo(due.userId());
            assertThat(e.expiresAt()).isEqualTo(end);
            assertThat(e.actorId()).isNull();
        });
        softly.assertThat(memberships.organizationsOf(due.userId())).as("the expired member's memberships").doesNotContain(org);
        softly.assertThat(memberships.organizationsOf(extended.userId())).as("the extended member's").contains(org);
        softly.assertThat(login(due.email(), PASSWORD)).as("the expired member's account still logs in").isNotBlank();
        // no longer a member: may be added again, and a PUT on them finds nobody
        problem(put(founderToken, expiryOf(org, due.userId()), expiresAt(null)), HttpStatus.NOT_FOUND, "not_found");
        post(founderToken, members(org), Map.of("userId", due.userId().toString(), "roles", List.of("member")))
                .expectStatus().isCreated();
        softly.assertThat(stillDue).as("memberships still due after the job").isZero();
        log.info("end {}, job at {}: MemberExpired {} (before the end {}), still due {}; extended and removed left alone",
                end, jobTime, expired.size(), beforeTheEnd, stillDue);
        softly.assertAll();
    }

    private static void await(CyclicBarrier barrier, Runnable work) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        work.run();
    }
}

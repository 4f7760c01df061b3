package io.roster.identity.membership;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.RemovalReason;
import io.roster.identity.IdentityHttpTest;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * D3 of issue #13 for identity's membership lookup ({@link UserMemberships}): a crash between the append of a
 * MemberAdded or MemberRemoved and the lookup write is repaired once the repair processor runs again. The crash is
 * reproduced by running the command with the lookup's processors stopped: the events are appended (and relayed), the
 * lookup is not written; then the live processor runs again and the repair processor restarts from its stored token,
 * as in a restarted process. Shares {@link SingleOrganizationPolicyTest}'s context (single organization on), where
 * the lookup decides who may join.
 */
@TestPropertySource(properties = {"roster.membership.single-organization=true", "roster.identity.open-sign-up=false"})
class MembershipLookupRepairTest extends IdentityHttpTest {

    private static final String LIVE = "user-memberships-v1";
    private static final String REPAIR = "user-memberships-repair-v1";

    @Autowired
    private EventProcessingConfiguration processing;
    @Autowired
    private UserMemberships memberships;
    @Autowired
    private SingleOrganizationPolicy policy;

    /** A failed test must not leave the repair stopped for the other tests of the shared context. */
    @AfterEach
    void repairRunsAgain() {
        restartRepair();
    }

    @Test
    void aMemberAddedWithoutTheLookupWriteIsRemovedWithTheirAccountOnceTheRepairRan() {
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Crash Add");
        TestUser user = createUser("added", List.of());
        losingTheLookupWrite(() -> post(admin, "/api/v1/organizations/" + organization + "/members",
                Map.of("userId", user.userId().toString(), "roles", List.of("member"))).expectStatus().isCreated());

        // what the crash left: the organization has the member, the lookup does not know it (a deletion now would
        // leave the deleted user a member of the organization)
        assertThat(memberships.organizationsOf(user.userId())).isEmpty();

        restartRepair();
        await().atMost(Duration.ofSeconds(30)).until(() -> memberships.organizationsOf(user.userId()).contains(organization));
        JsonNode deleted = body(delete(admin, "/api/v1/users/" + user.userId()).expectStatus().isOk());
        assertThat(deleted.get("removedFromOrganizations").get(0).asText()).isEqualTo(organization.toString());
        assertThat(eventsOf(organization, MemberRemoved.class)).singleElement().satisfies(removed -> {
            assertThat(removed.userId()).isEqualTo(user.userId());
            assertThat(removed.reason()).isEqualTo(RemovalReason.ACCOUNT_DELETED);
        });
    }

    @Test
    void aMemberWhoLeftWithoutTheLookupWriteMayJoinAnotherOrganizationOnceTheRepairRan() {
        String admin = adminToken();
        UUID first = createOrganization(admin, "Crash Leave");
        UUID second = createOrganization(admin, "Next");
        TestUser user = createMember(first, "member");
        Map<String, Object> join = Map.of("userId", user.userId().toString(), "roles", List.of("member"));
        losingTheLookupWrite(() -> post(user.token(), "/api/v1/organizations/" + first + "/leave", Map.of()).expectStatus().isOk());

        // what the crash left: the user still counts as a member of the organization they left
        problem(post(admin, "/api/v1/organizations/" + second + "/members", join), HttpStatus.CONFLICT, "user_in_other_organization");

        restartRepair();
        // a refused join changes nothing, so asking until it is let in is harmless
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                post(admin, "/api/v1/organizations/" + second + "/members", join).expectStatus().isCreated());
    }

    @Test
    void replayingAnOldRemovalLeavesALaterJoinsClaimAlone() {
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Rejoin");
        TestUser user = createMember(organization, "member");
        post(user.token(), "/api/v1/organizations/" + organization + "/leave", Map.of()).expectStatus().isOk();
        // a join of the same organization under way: its claim is taken, its MemberAdded not yet appended
        SingleOrganizationPolicy.Admission rejoin = policy.admit(user.userId(), organization);
        Document claim = memberships.find(user.userId()).orElseThrow().get("claim", Document.class);
        assertThat(claim.getString("organizationId")).isEqualTo(organization.toString());

        replayEverything();

        assertThat(memberships.find(user.userId()).orElseThrow().get("claim", Document.class)).isEqualTo(claim);
        assertThat(memberships.organizationsOf(user.userId())).isEmpty();
        rejoin.release();
    }

    private void losingTheLookupWrite(Supplier<?> command) {
        processing.eventProcessor(REPAIR).ifPresent(EventProcessor::shutDown);
        EventProcessor live = processing.eventProcessor(LIVE).orElseThrow();
        live.shutDown();
        try {
            command.get();
        } finally {
            live.start();
        }
    }

    private void restartRepair() {
        processing.eventProcessor(REPAIR).ifPresent(EventProcessor::start);
    }

    private void replayEverything() {
        TrackingEventProcessor repair = processing.eventProcessor(REPAIR, TrackingEventProcessor.class).orElseThrow();
        repair.shutDown();
        repair.resetTokens();
        repair.start();
        // caught up: it read to the end of the store (a fresh status after the start; "replaying" it stays until an event
        // newer than the reset comes, so that says nothing here)
        await().atMost(Duration.ofSeconds(60)).until(() -> !repair.processingStatus().isEmpty()
                && repair.processingStatus().values().stream().allMatch(s -> s.isCaughtUp() && !s.isErrorState()));
    }
}

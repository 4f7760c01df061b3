package io.roster.identity.organization;

import io.roster.events.identity.MemberAdded;
import io.roster.identity.IdentityHttpTest;
import io.roster.kit.correlation.CorrelationId;
import org.axonframework.eventhandling.DomainEventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many requests adding members into one organization at once, as {@link MemberAdditions} sends them together: each is
 * judged by its own caller and its own rules, whoever it is grouped with, and each answer's Consistency-Token covers
 * its own member's event. The attackers (another organization's admin, a member who is no admin) go in the same burst.
 */
class ConcurrentAddMemberTest extends IdentityHttpTest {

    private static final int ADDITIONS = 12;

    private final ExecutorService clients = Executors.newFixedThreadPool(ADDITIONS + 4);

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    @Test
    void aBurstOfAdditionsIsAnsweredRequestByRequestByItsOwnCallerAndRules() throws Exception {
        TestUser founder = createUser("founder", List.of());
        UUID organizationId = createOrganization(founder.token(), "Burst");
        TestUser coAdmin = createMember(organizationId, "admin");
        TestUser plainMember = createMember(organizationId, "member");
        TestUser otherAdmin = createUser("other-admin", List.of());
        createOrganization(otherAdmin.token(), "Elsewhere");
        List<TestUser> newcomers = new ArrayList<>();
        for (int i = 0; i < ADDITIONS; i++) {
            newcomers.add(createUser("newcomer", List.of()));
        }
        TestUser target = createUser("target", List.of());

        CyclicBarrier start = new CyclicBarrier(ADDITIONS + 4);
        List<Future<EntityExchangeResult<byte[]>>> added = new ArrayList<>();
        for (int i = 0; i < ADDITIONS; i++) {
            String caller = (i % 2 == 0 ? founder : coAdmin).token();
            UUID userId = newcomers.get(i).userId();
            added.add(at(start, () -> addMember(caller, organizationId, userId)));
        }
        Future<EntityExchangeResult<byte[]>> twiceFirst = at(start, () -> addMember(founder.token(), organizationId, newcomers.get(0).userId()));
        Future<EntityExchangeResult<byte[]>> foreignAdmin = at(start, () -> addMember(otherAdmin.token(), organizationId, target.userId()));
        Future<EntityExchangeResult<byte[]>> memberNoAdmin = at(start, () -> addMember(plainMember.token(), organizationId, target.userId()));
        Future<EntityExchangeResult<byte[]>> unknownTeam = at(start, () -> exchange(post(founder.token(),
                "/api/v1/organizations/" + organizationId + "/members", Map.of("userId", target.userId().toString(),
                        "roles", List.of("member"), "teamIds", List.of(UUID.randomUUID().toString())))));

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < ADDITIONS; i++) {
            statuses.add(added.get(i).get(60, TimeUnit.SECONDS).getStatus().value());
        }
        int twiceStatus = twiceFirst.get(60, TimeUnit.SECONDS).getStatus().value();
        assertThat(statuses.subList(1, ADDITIONS)).allMatch(status -> status == 201);
        // the first newcomer was added by one of the two requests naming them, and the other was told already_member
        assertThat(List.of(statuses.get(0), twiceStatus)).containsExactlyInAnyOrder(201, 409);
        assertThat(foreignAdmin.get(60, TimeUnit.SECONDS).getStatus().value()).isEqualTo(404);
        assertThat(memberNoAdmin.get(60, TimeUnit.SECONDS).getStatus().value()).isEqualTo(403);
        assertThat(unknownTeam.get(60, TimeUnit.SECONDS).getStatus().value()).isEqualTo(404);

        List<DomainEventMessage<?>> joins = new ArrayList<>();
        eventStore.readEvents(organizationId.toString(), 0).asStream()
                .filter(event -> event.getPayload() instanceof MemberAdded)
                .forEach(joins::add);
        List<UUID> joined = joins.stream().map(event -> ((MemberAdded) event.getPayload()).userId()).toList();
        assertThat(joined).doesNotHaveDuplicates().doesNotContain(target.userId())
                .containsAll(newcomers.stream().map(TestUser::userId).toList());
        for (int i = 0; i < ADDITIONS; i++) {
            EntityExchangeResult<byte[]> answer = statuses.get(i) == 201 ? added.get(i).get() : twiceFirst.get();
            UUID userId = newcomers.get(i).userId();
            DomainEventMessage<?> event = joins.stream().filter(join -> ((MemberAdded) join.getPayload()).userId().equals(userId))
                    .findFirst().orElseThrow();
            MemberAdded payload = (MemberAdded) event.getPayload();
            // the actor is the request's own caller, not whoever's request the group was sent from
            UUID expectedActor = answer == twiceFirst.get() || i % 2 == 0 ? founder.userId() : coAdmin.userId();
            assertThat(payload.actorId()).as("actor of " + userId).isEqualTo(expectedActor);
            assertThat(tokenOf(answer).get(organizationId.toString())).as("token of " + userId)
                    .isGreaterThanOrEqualTo(event.getSequenceNumber());
            assertThat(event.getMetaData().get("traceId")).as("correlation of " + userId)
                    .isEqualTo(answer.getResponseHeaders().getFirst(CorrelationId.HEADER));
        }
    }

    private EntityExchangeResult<byte[]> addMember(String token, UUID organizationId, UUID userId) {
        return exchange(post(token, "/api/v1/organizations/" + organizationId + "/members",
                Map.of("userId", userId.toString(), "roles", List.of("member"))));
    }

    private static EntityExchangeResult<byte[]> exchange(org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec response) {
        return response.expectBody().returnResult();
    }

    private <T> Future<T> at(CyclicBarrier start, Supplier<T> request) {
        return clients.submit(() -> {
            start.await(30, TimeUnit.SECONDS);
            return request.get();
        });
    }
}

package io.roster.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkDisabled;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.kit.command.CommandProperties;
import io.roster.kit.consistency.ConsistencyToken;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.Registration;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command that loses an optimistic-locking race to another replica answers as in the identity service: it is sent
 * again on the fresh state and succeeds, or, when the race is lost on every attempt, 409 {@code conflict}. The other
 * replica is played at the moment that matters: just before this instance appends the command's events, it stores an
 * event of the same link at the same sequence number (an admin disabling the link elsewhere), through the shared event
 * store, so the unique (aggregate, sequence) index refuses this instance's append.
 */
class LostRaceServiceTest extends AbstractServiceTest {

    private static final AnnotationCommandTargetResolver TARGETS = AnnotationCommandTargetResolver.builder().build();

    private final UUID admin = UUID.randomUUID();
    private final String adminToken = tokenOf(admin, "boss@races.io");

    @Autowired
    private CommandBus commandBus;
    @Autowired
    private EventStore eventStore;
    @Autowired
    private CommandProperties commandProperties;

    private Registration rival;
    private final AtomicInteger attempts = new AtomicInteger();

    @AfterEach
    void noMoreRival() {
        if (rival != null) {
            rival.cancel();
        }
    }

    @Test
    void aRenameThatLostTheRaceToAnotherReplicaIsSentAgainAndSucceeds() {
        UUID org = organizationAdministeredBy(admin, "Race Inc");
        UUID linkId = createLink(org);
        anotherReplicaWinsTheNext(1, linkId, org);

        String token = rename(org, linkId).expectStatus().isOk()
                .expectHeader().exists(ConsistencyToken.HEADER).returnResult(JsonNode.class)
                .getResponseHeaders().getFirst(ConsistencyToken.HEADER);

        assertThat(attempts).as("the rename's attempts").hasValue(2);
        assertThat(storedEvents(linkId)).map(Object::getClass)
                .containsExactly(InvitationLinkCreated.class, InvitationLinkDisabled.class, InvitationLinkUpdated.class);
        assertThat(ConsistencyToken.decode(token).sequences()).isEqualTo(Map.of(linkId.toString(), 2L));
    }

    @Test
    void aRaceLostOnEveryAttemptAnswersConflictNeverA500() {
        UUID org = organizationAdministeredBy(admin, "Busy Inc");
        UUID linkId = createLink(org);
        anotherReplicaWinsTheNext(Integer.MAX_VALUE, linkId, org);

        rename(org, linkId).expectStatus().isEqualTo(HttpStatus.CONFLICT)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("conflict").jsonPath("$.status").isEqualTo(409);

        int maxAttempts = commandProperties.retries().maxAttempts();
        assertThat(attempts).as("the rename's attempts").hasValue(maxAttempts);
        List<Object> events = storedEvents(linkId);
        assertThat(events).hasSize(1 + maxAttempts).doesNotHaveAnyElementsOfTypes(InvitationLinkUpdated.class);
    }

    private WebTestClient.ResponseSpec rename(UUID org, UUID linkId) {
        return web.patch().uri("/api/v1/organizations/{org}/invitation-links/{id}", org, linkId)
                .headers(h -> h.setBearerAuth(adminToken)).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Renamed")).exchange();
    }

    private UUID createLink(UUID org) {
        JsonNode created = web.post().uri("/api/v1/organizations/{org}/invitation-links", org).headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("name", "Launch", "roles", List.of("member")))
                .exchange().expectStatus().isCreated().expectBody(JsonNode.class).returnResult().getResponseBody();
        return UUID.fromString(created.get("linkId").asText());
    }

    /**
     * The next {@code times} commands to the link lose their race: when one is about to append, the other replica's
     * InvitationLinkDisabled takes the sequence number first. The other replica stores it on a thread of its own,
     * outside this command's unit of work, as a separate process would.
     */
    private void anotherReplicaWinsTheNext(int times, UUID linkId, UUID org) {
        AtomicInteger left = new AtomicInteger(times);
        rival = commandBus.registerHandlerInterceptor((MessageHandlerInterceptor<CommandMessage<?>>) (unitOfWork, chain) -> {
            if (linkId.toString().equals(TARGETS.resolveTarget(unitOfWork.getMessage()).getIdentifier())) {
                attempts.incrementAndGet();
                if (left.getAndDecrement() > 0) {
                    unitOfWork.onPrepareCommit(u -> CompletableFuture.runAsync(() -> {
                        long next = eventStore.lastSequenceNumberFor(linkId.toString()).orElseThrow() + 1;
                        eventStore.publish(new GenericDomainEventMessage<>("InvitationLink", linkId.toString(), next,
                                new InvitationLinkDisabled(UUID.randomUUID(), Instant.now(), org, UUID.randomUUID(), linkId)));
                    }).join());
                }
            }
            return chain.proceed();
        });
    }

    private List<Object> storedEvents(UUID aggregateId) {
        return eventStore.readEvents(aggregateId.toString()).asStream().map(message -> (Object) message.getPayload()).toList();
    }
}

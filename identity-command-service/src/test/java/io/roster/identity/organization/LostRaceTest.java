package io.roster.identity.organization;

import io.roster.events.identity.OrganizationRenamed;
import io.roster.identity.IdentityHttpTest;
import io.roster.kit.command.CommandProperties;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.Registration;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same lost optimistic-locking race as the invitation service's {@code LostRaceServiceTest}, on an organization
 * this instance holds in its aggregate cache: another replica renames it just before this instance appends, the unique
 * (aggregate, sequence) index refuses the append, and the command is sent again on the fresh state, or answers 409
 * {@code conflict} once every attempt lost.
 */
class LostRaceTest extends IdentityHttpTest {

    private static final AnnotationCommandTargetResolver TARGETS = AnnotationCommandTargetResolver.builder().build();

    @Autowired
    private CommandBus commandBus;
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
        TestUser founder = createUser("founder", List.of());
        UUID organizationId = createOrganization(founder.token(), "Acme");
        anotherReplicaRenamesFirst(1, organizationId);

        EntityExchangeResult<byte[]> renamed = patch(founder.token(), "/api/v1/organizations/" + organizationId, Map.of("name", "Ours"))
                .expectStatus().isOk().expectBody().returnResult();

        assertThat(attempts).as("the rename's attempts").hasValue(2);
        assertThat(eventsOf(organizationId, OrganizationRenamed.class)).extracting(OrganizationRenamed::name)
                .containsExactly("Theirs", "Ours");
        long last = eventStore.lastSequenceNumberFor(organizationId.toString()).orElseThrow();
        assertThat(tokenOf(renamed)).isEqualTo(Map.of(organizationId.toString(), last));
    }

    @Test
    void aRaceLostOnEveryAttemptAnswersConflict() {
        TestUser founder = createUser("founder", List.of());
        UUID organizationId = createOrganization(founder.token(), "Busy");
        anotherReplicaRenamesFirst(Integer.MAX_VALUE, organizationId);

        problem(patch(founder.token(), "/api/v1/organizations/" + organizationId, Map.of("name", "Ours")), HttpStatus.CONFLICT, "conflict");

        assertThat(attempts).as("the rename's attempts").hasValue(commandProperties.retries().maxAttempts());
        assertThat(eventsOf(organizationId, OrganizationRenamed.class)).extracting(OrganizationRenamed::name)
                .hasSize(commandProperties.retries().maxAttempts()).containsOnly("Theirs");
    }

    /** The next {@code times} commands to the organization lose their race to another replica's rename. */
    private void anotherReplicaRenamesFirst(int times, UUID organizationId) {
        AtomicInteger left = new AtomicInteger(times);
        rival = commandBus.registerHandlerInterceptor((MessageHandlerInterceptor<CommandMessage<?>>) (unitOfWork, chain) -> {
            if (organizationId.toString().equals(TARGETS.resolveTarget(unitOfWork.getMessage()).getIdentifier())) {
                attempts.incrementAndGet();
                if (left.getAndDecrement() > 0) {
                    // stored on a thread of its own, outside this command's unit of work, as a separate process would
                    unitOfWork.onPrepareCommit(u -> CompletableFuture.runAsync(() -> {
                        long next = eventStore.lastSequenceNumberFor(organizationId.toString()).orElseThrow() + 1;
                        eventStore.publish(new GenericDomainEventMessage<>("Organization", organizationId.toString(), next,
                                new OrganizationRenamed(UUID.randomUUID(), Instant.now(), organizationId, UUID.randomUUID(), "Theirs")));
                    }).join());
                }
            }
            return chain.proceed();
        });
    }
}

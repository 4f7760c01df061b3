package io.roster.kit.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.correlation.CorrelationId;
import io.roster.kit.correlation.CorrelationIdFilter;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.ProblemWebExceptionHandler;
import io.roster.kit.web.ProblemWriter;
import io.roster.kit.web.RuleViolation;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.common.Registration;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;
import org.axonframework.messaging.MessageHandlerInterceptor;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import io.roster.kit.tracing.TestTracing;
import io.roster.kit.tracing.Traces;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * The command path over real Axon and the Mongo event store on an embedded Mongo-wire server. A rival process is
 * played by a handler interceptor that, just before the command's events are appended, appends an event of the same
 * aggregate at the same sequence number straight to the storage engine: the unique index then refuses the command's
 * append, exactly as when another replica wins the race.
 */
class CommandsTest {

    private static final int MAX_ATTEMPTS = 3;
    static final AtomicInteger handled = new AtomicInteger();

    private MongoServer server;
    private MongoClient client;
    private EventStorageEngine storage;
    private Configuration axon;
    private Commands commands;
    private SimpleMeterRegistry meters;
    private WebTestClient web;
    private Registration rival;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        storage = MongoEventStorageEngine.builder()
                .mongoTemplate(DefaultMongoTemplate.builder().mongoDatabase(client, "kit-commands").build())
                .eventSerializer(JacksonSerializer.defaultSerializer())
                .snapshotSerializer(JacksonSerializer.defaultSerializer())
                .build();
        axon = DefaultConfigurer.defaultConfiguration()
                .configureSerializer(c -> JacksonSerializer.defaultSerializer())
                .configureEmbeddedEventStore(c -> storage)
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Tally.class))
                .configureCorrelationDataProviders(c -> List.of(new MessageOriginProvider(), CommandConfiguration.traceAndCausation()))
                .buildConfiguration();
        axon.start();
        meters = new SimpleMeterRegistry();
        commands = new Commands(axon.commandGateway(), axon.eventStore(),
                new CommandProperties(new CommandProperties.Retries(MAX_ATTEMPTS, Duration.ofMillis(5))), meters);
        web = WebTestClient.bindToRouterFunction(RouterFunctions.route()
                        .POST("/tallies/{id}/{refuse}", request -> commands.<Integer>send(request.exchange(),
                                        new AddToTally(request.pathVariable("id"), Boolean.parseBoolean(request.pathVariable("refuse"))))
                                .flatMap(sent -> ServerResponse.ok().headers(headers -> headers.addAll(
                                        sent.respond(ResponseEntity.ok(), sent.result()).getHeaders())).bodyValue(Map.of("count", sent.result()))))
                        .POST("/pairs/{first}/{second}", request -> commands.run(request.exchange(), () -> {
                                    commands.sendAndWait(new AddToTally(request.pathVariable("first"), false));
                                    return commands.<Integer>sendAndWait(new AddToTally(request.pathVariable("second"), false));
                                })
                                .flatMap(sent -> ServerResponse.ok().header(ConsistencyToken.HEADER, sent.consistencyToken())
                                        .bodyValue(Map.of("count", sent.result()))))
                        .build())
                .webFilter(new CorrelationIdFilter())
                .handlerStrategies(HandlerStrategies.builder()
                        .exceptionHandler(new ProblemWebExceptionHandler(new ProblemWriter(new ObjectMapper()))).build())
                .build();
        handled.set(0);
    }

    @AfterEach
    void stop() {
        if (rival != null) {
            rival.cancel();
        }
        axon.shutdown();
        client.close();
        server.shutdownNow();
    }

    @Test
    void aLostRaceIsSentAgainOnTheFreshStateAndThenSucceeds() {
        String id = openTally();
        rivalWins(MAX_ATTEMPTS - 1);

        EntityExchangeResult<JsonNode> answer = web.post().uri("/tallies/{id}/false", id).header(CorrelationId.HEADER, "race-1")
                .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult();

        // the rules ran on each fresh state: the rival's two events came first, ours is the fourth
        assertThat(handled).hasValue(MAX_ATTEMPTS);
        assertThat(answer.getResponseBody().get("count").asInt()).isEqualTo(3);
        assertThat(ConsistencyToken.decode(answer.getResponseHeaders().getFirst(ConsistencyToken.HEADER)).sequences())
                .isEqualTo(Map.of(id, 3L));
        List<? extends DomainEventMessage<?>> events = axon.eventStore().readEvents(id).asStream().toList();
        assertThat(events).hasSize(4);
        assertThat(events.get(3).getMetaData()).containsEntry(Commands.TRACE_ID, "race-1");
        assertThat(meters.counter("roster.commands.conflicts", "outcome", "retried").count()).isEqualTo(2);
    }

    @Test
    void aRuleRefusalIsFinalAndNotRetried() {
        String id = openTally();

        problem(web.post().uri("/tallies/{id}/true", id).exchange(), HttpStatus.CONFLICT, "last_admin");
        assertThat(handled).hasValue(1);
        assertThatThrownBy(() -> commands.sendAndWait(new AddToTally(id, true))).isInstanceOf(RuleViolation.class);
        assertThat(handled).hasValue(2);
    }

    @Test
    void aRaceLostOnEveryAttemptAnswersConflict() {
        String id = openTally();
        rivalWins(Integer.MAX_VALUE);

        problem(web.post().uri("/tallies/{id}/false", id).exchange(), HttpStatus.CONFLICT, "conflict");
        assertThat(handled).hasValue(MAX_ATTEMPTS);
        assertThat(meters.counter("roster.commands.conflicts", "outcome", "exhausted").count()).isEqualTo(1);
        assertThatThrownBy(() -> commands.sendAndWait(new AddToTally(id, false)))
                .isInstanceOfSatisfying(ApiProblem.class, p -> assertThat(p.code()).isEqualTo("conflict"));
        assertThat(handled).hasValue(2 * MAX_ATTEMPTS);
    }

    @Test
    void aMissingAggregateAnswersNotFound() {
        problem(web.post().uri("/tallies/{id}/false", UUID.randomUUID()).exchange(), HttpStatus.NOT_FOUND, "not_found");
        assertThat(handled).hasValue(0);
    }

    @Test
    void aRequestTouchingTwoAggregatesAnswersOneTokenForBoth() {
        String first = openTally();
        String second = openTally();

        String token = web.post().uri("/pairs/{first}/{second}", first, second).exchange().expectStatus().isOk()
                .returnResult(JsonNode.class).getResponseHeaders().getFirst(ConsistencyToken.HEADER);

        assertThat(ConsistencyToken.decode(token).sequences()).isEqualTo(Map.of(first, 1L, second, 1L));
    }

    @Test
    void aCommandFromAConsumerCarriesTheCorrelationIdOfItsLogContext() {
        String id = openTally();
        MDC.put(CorrelationId.MDC_KEY, "record-7");
        try {
            assertThat(commands.<Integer>sendAndWait(new AddToTally(id, false))).isEqualTo(1);
        } finally {
            MDC.remove(CorrelationId.MDC_KEY);
        }
        assertThat(axon.eventStore().readEvents(id).asStream().toList().get(1).getMetaData())
                .containsEntry(Commands.TRACE_ID, "record-7");
    }

    @Test
    void aCommandSentWhileARecordIsHandledCarriesItsSpanAndTheRecordsEventIntoTheEvents() {
        String id = openTally();
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String recordSpan;
        TestTracing.install();
        MDC.put("eventId", "event-9");
        try (var span = Traces.continueFrom("apply", "00-" + trace + "-00f067aa0ba902b7-01", "roster=1")) {
            recordSpan = Traces.currentTraceparent();
            commands.<Integer>sendAndWait(new AddToTally(id, false));
        } finally {
            MDC.remove("eventId");
            TestTracing.uninstall();
        }
        List<? extends DomainEventMessage<?>> events = axon.eventStore().readEvents(id).asStream().toList();
        MetaData opened = events.get(0).getMetaData();
        MetaData added = events.get(1).getMetaData();

        assertThat(added).containsEntry(Traces.TRACEPARENT, recordSpan).containsEntry(Traces.TRACESTATE, "roster=1")
                .containsEntry(Commands.CAUSATION_ID, "event-9");
        assertThat(TestTracing.traceIdOf(recordSpan)).isEqualTo(trace);
        // sent outside any span and any record: neither
        assertThat(opened).doesNotContainKeys(Traces.TRACEPARENT, Traces.TRACESTATE, Commands.CAUSATION_ID);
        // Axon's own origin: the events' correlationId is the command's message id, what the relay names without an event
        assertThat(added.get("correlationId")).isNotNull().isNotEqualTo("event-9");
    }

    private String openTally() {
        String id = UUID.randomUUID().toString();
        commands.sendAndWait(new OpenTally(id));
        return id;
    }

    /** The next {@code times} commands to a tally lose their race to a rival that appends one event first. */
    private void rivalWins(int times) {
        AtomicInteger left = new AtomicInteger(times);
        rival = axon.commandBus().registerHandlerInterceptor((MessageHandlerInterceptor<CommandMessage<?>>) (unitOfWork, chain) -> {
            if (unitOfWork.getMessage().getPayload() instanceof AddToTally add && left.getAndDecrement() > 0) {
                unitOfWork.onPrepareCommit(u -> {
                    long next = storage.lastSequenceNumberFor(add.id()).orElseThrow() + 1;
                    storage.appendEvents(new GenericDomainEventMessage<>("Tally", add.id(), next, new TallyAdded(add.id(), -1)));
                });
            }
            return chain.proceed();
        });
    }

    private static void problem(WebTestClient.ResponseSpec response, HttpStatus status, String code) {
        response.expectStatus().isEqualTo(status)
                .expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.code").isEqualTo(code).jsonPath("$.status").isEqualTo(status.value());
    }

    record OpenTally(@TargetAggregateIdentifier String id) {
    }

    record AddToTally(@TargetAggregateIdentifier String id, boolean refuse) {
    }

    record TallyOpened(String id) {
    }

    /** {@code by} is -1 for the rival's events. */
    record TallyAdded(String id, int by) {
    }

    static class Tally {

        @AggregateIdentifier
        private String id;
        private int count;

        Tally() {
        }

        @CommandHandler
        Tally(OpenTally command) {
            apply(new TallyOpened(command.id()));
        }

        @CommandHandler
        int handle(AddToTally command) {
            handled.incrementAndGet();
            if (command.refuse()) {
                throw new RuleViolation(io.roster.events.ProblemCode.LAST_ADMIN, "This tally takes nothing more.");
            }
            apply(new TallyAdded(id, 1));
            return count;
        }

        @EventSourcingHandler
        void on(TallyOpened event) {
            id = event.id();
        }

        @EventSourcingHandler
        void on(TallyAdded event) {
            count++;
        }
    }
}

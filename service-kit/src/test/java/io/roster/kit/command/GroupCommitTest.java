package io.roster.kit.command;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.roster.kit.correlation.CorrelationId;
import io.roster.kit.web.ApiProblem;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.Configuration;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.extensions.mongo.DefaultMongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoEventStorageEngine;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.TargetAggregateIdentifier;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * Group commit over real Axon and the Mongo event store on an embedded Mongo-wire server: requests that wait while a
 * command of their aggregate is handled go together as the next one, each answered by its own element.
 */
class GroupCommitTest {

    /** The group commands the aggregate handled, each as the names of its entries. */
    static final List<List<String>> groupsHandled = new CopyOnWriteArrayList<>();
    /** Holds the aggregate's first group command until released, so that others queue behind it. */
    static volatile CountDownLatch holdFirst = new CountDownLatch(0);

    private MongoServer server;
    private MongoClient client;
    private Configuration axon;
    private GroupCommit<Entry, String> entries;
    private ExecutorService requests;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        axon = DefaultConfigurer.defaultConfiguration()
                .configureSerializer(c -> JacksonSerializer.defaultSerializer())
                .configureEmbeddedEventStore(c -> MongoEventStorageEngine.builder()
                        .mongoTemplate(DefaultMongoTemplate.builder().mongoDatabase(client, "kit-group-commit").build())
                        .eventSerializer(JacksonSerializer.defaultSerializer())
                        .snapshotSerializer(JacksonSerializer.defaultSerializer())
                        .build())
                .configureAggregate(AggregateConfigurer.defaultConfiguration(Ledger.class))
                .configureCorrelationDataProviders(c -> List.of(new MessageOriginProvider(), CommandConfiguration.traceAndCausation()))
                .buildConfiguration();
        axon.start();
        Commands commands = new Commands(axon.commandGateway(), axon.eventStore(),
                new CommandProperties(new CommandProperties.Retries(3, Duration.ofMillis(5))), new SimpleMeterRegistry());
        entries = new GroupCommit<>(commands, 3, group -> new RecordEntries(group.get(0).command().ledgerId(), group));
        axon.commandGateway().sendAndWait(new OpenLedger("ledger"));
        groupsHandled.clear();
        requests = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stop() {
        holdFirst.countDown();
        requests.shutdownNow();
        axon.shutdown();
        client.close();
        server.shutdownNow();
    }

    @Test
    void requestsArrivingWhileACommandIsHandledGoTogetherNextEachWithItsOwnAnswerAndCorrelation() throws Exception {
        holdFirst = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        answers.add(send("first"));
        await().atMost(Duration.ofSeconds(10)).until(() -> groupsHandled.size() == 1);
        for (String name : List.of("b", "refused", "c", "d", "e")) {
            answers.add(send(name));
        }
        // the five queue behind the first group, which the aggregate holds
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingThreads() == 5);
        holdFirst.countDown();

        List<String> answered = new ArrayList<>();
        for (Future<String> answer : answers) {
            answered.add(answer.get(10, TimeUnit.SECONDS));
        }
        assertThat(answered).containsExactly("first:1", "b:2", "refused:refused", "c:3", "d:4", "e:5");
        // one alone, then the five waiting in groups of at most three, in the order they came
        assertThat(groupsHandled).containsExactly(List.of("first"), List.of("b", "refused", "c"), List.of("d", "e"));

        List<? extends DomainEventMessage<?>> stored = axon.eventStore().readEvents("ledger").asStream().toList();
        assertThat(stored).hasSize(6); // opened, then one per entry recorded
        Map<String, Object> correlationByEntry = stored.stream().skip(1).collect(Collectors.toMap(
                event -> ((EntryRecorded) event.getPayload()).name(), event -> event.getMetaData().get(Commands.TRACE_ID)));
        assertThat(correlationByEntry).containsExactlyInAnyOrderEntriesOf(Map.of("first", "request-first", "b", "request-b",
                "c", "request-c", "d", "request-d", "e", "request-e"));
    }

    @Test
    void aGroupThatFailsAsAWholeAnswersEveryRequestInItWithThatFailure() throws Exception {
        holdFirst = new CountDownLatch(1);
        Future<String> first = send("first");
        await().atMost(Duration.ofSeconds(10)).until(() -> groupsHandled.size() == 1);
        List<Future<String>> doomed = List.of(send("boom"), send("x"));
        await().atMost(Duration.ofSeconds(10)).until(() -> waitingThreads() == 2);
        holdFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first:1");
        for (Future<String> answer : doomed) {
            assertThatThrownBy(() -> answer.get(10, TimeUnit.SECONDS)).hasRootCauseMessage("the store is down");
        }
        assertThat(axon.eventStore().readEvents("ledger").asStream().count()).isEqualTo(2); // nothing of the failed group
        // and the aggregate takes the next request as before
        assertThat(send("after").get(10, TimeUnit.SECONDS)).isEqualTo("after:2");
    }

    @Test
    void aGroupForAnAggregateThatDoesNotExistFailsWithoutHangingTheNext() {
        assertThatThrownBy(() -> send("nowhere", "a").get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ApiProblem.class);
        assertThatThrownBy(() -> send("nowhere", "b").get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ApiProblem.class);
    }

    private Future<String> send(String name) {
        return send("ledger", name);
    }

    private Future<String> send(String ledger, String name) {
        return requests.submit(() -> {
            MDC.put(CorrelationId.MDC_KEY, "request-" + name);
            try {
                return entries.send(ledger, new Entry(ledger, name));
            } finally {
                MDC.remove(CorrelationId.MDC_KEY);
            }
        });
    }

    private static long waitingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getState() == Thread.State.WAITING)
                .filter(thread -> List.of(thread.getStackTrace()).stream()
                        .anyMatch(frame -> frame.getClassName().equals(GroupCommit.class.getName())))
                .count();
    }

    record Entry(String ledgerId, String name) {
    }

    record OpenLedger(@TargetAggregateIdentifier String id) {
    }

    record RecordEntries(@TargetAggregateIdentifier String id, List<GroupCommit.Item<Entry>> entries) {
    }

    record LedgerOpened(String id) {
    }

    record EntryRecorded(String id, String name) {
    }

    static class Ledger {

        @AggregateIdentifier
        private String id;
        private int count;

        Ledger() {
        }

        @CommandHandler
        Ledger(OpenLedger command) {
            apply(new LedgerOpened(command.id()));
        }

        /** Each entry in order; "refused" is refused alone, "boom" fails the whole group. */
        @CommandHandler
        List<String> handle(RecordEntries command) throws InterruptedException {
            groupsHandled.add(command.entries().stream().map(item -> item.command().name()).toList());
            if (groupsHandled.size() == 1) {
                holdFirst.await(10, TimeUnit.SECONDS);
            }
            List<String> answers = new ArrayList<>();
            for (GroupCommit.Item<Entry> item : command.entries()) {
                String name = item.command().name();
                if (name.equals("boom")) {
                    throw new IllegalStateException("the store is down");
                }
                if (name.equals("refused")) {
                    answers.add("refused:refused");
                    continue;
                }
                apply(new EntryRecorded(id, name), MetaData.from(item.eventMetaData()));
                answers.add(name + ":" + count);
            }
            return answers;
        }

        @EventSourcingHandler
        void on(LedgerOpened event) {
            id = event.id();
        }

        @EventSourcingHandler
        void on(EntryRecorded event) {
            count++;
        }
    }
}

package io.roster.identity.bench;

import io.roster.testsupport.BenchmarkReport;
import io.roster.testsupport.mongo.MongoCommandCounts;
import io.micrometer.core.instrument.MeterRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.roster.events.Topics;
import io.roster.events.identity.RegistrationSource;
import io.roster.identity.IdentityApplication;
import io.roster.identity.account.Account;
import io.roster.identity.account.Accounts;
import io.roster.identity.account.RegisterUserCommand;
import io.roster.kit.axon.EventStoreKafkaRelay;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.EmbeddedInfrastructure;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.common.caching.Cache;
import org.axonframework.config.Configuration;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventsourcing.EventSourcingRepository;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.modelling.command.Repository;
import org.axonframework.serialization.Serializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds an organization of 10,000 members through the identity service's HTTP API and prints how fast, next
 * to a raw MongoDB insertOne baseline measured in the same run, and how long the organization aggregate takes
 * to load with and without a snapshot. Not a test: run it with
 * <pre>
 * ./mvnw -q -B -o -pl identity-command-service -am install -DskipTests
 * ./mvnw -q -B -o -pl identity-command-service test-compile exec:java
 * </pre>
 * ({@code -Dbench.members=N -Dbench.clients=N} to change the size; {@code -Dbench.pauseRelay=true} stops the
 * event store to Kafka relay while the members are added, to see the command path alone). Everything runs in
 * this JVM: an embedded Kafka broker (KRaft), a Mongo-wire server (mongo-java-server, in memory) and the
 * service on a random port, so the figures are those of one 2-core machine doing all of it.
 */
public final class OrganizationBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ORGANIZATION_CLASS = "io.roster.identity.organization.Organization";

    private OrganizationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("axoniq.update-checker.disabled", "true");
        int members = Integer.getInteger("bench.members", 10_000);
        int clients = Integer.getInteger("bench.clients", 16);
        String database = "identity-bench-" + UUID.randomUUID().toString().substring(0, 8);
        BenchmarkReport.line("Roster identity benchmark: %d members, %d concurrent clients, %d cores, Java %s%n",
                members, clients, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        ConfigurableApplicationContext app = new SpringApplicationBuilder(IdentityApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.kafkaBootstrapServers(),
                "--roster.mongo.uri=" + EmbeddedInfrastructure.mongoUri(),
                "--roster.mongo.database=" + database,
                "--roster.kafka.topics.partitions=2",
                "--roster.identity.data-dir=" + Files.createTempDirectory("identity-bench"),
                "--roster.secrets.token-encryption-key=" + SecretBox.newKey(),
                "--roster.identity.password-hash-cost=4",
                "--logging.level.root=WARN",
                "--logging.level.org.axonframework.modelling.command.AbstractRepository=ERROR");
        int exitCode = 0;
        try (MongoClient mongo = MongoClients.create(EmbeddedInfrastructure.mongoUri())) {
            run(app, mongo.getDatabase(database).getCollection("raw-baseline"), members, clients);
        } catch (Exception | AssertionError e) {
            org.slf4j.LoggerFactory.getLogger(OrganizationBenchmark.class).error("The benchmark failed", e);
            exitCode = 1;
        } finally {
            app.close();
        }
        System.exit(exitCode);
    }

    private static void run(ConfigurableApplicationContext app, MongoCollection<Document> baseline, int members, int clients)
            throws Exception {
        String base = "http://127.0.0.1:" + ((ReactiveWebServerApplicationContext) app).getWebServer().getPort();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        String token = JSON.readTree(send(http, base + "/api/v1/auth/token", null,
                "{\"email\":\"admin@roster.local\",\"password\":\"roster-admin\"}", 200)).get("accessToken").asText();
        UUID organizationId = UUID.fromString(JSON.readTree(send(http, base + "/api/v1/organizations", token,
                "{\"name\":\"Benchmark Inc\"}", 201)).get("organizationId").asText());

        long seeding = System.nanoTime();
        List<UUID> users = seedUsers(app, members, clients);
        BenchmarkReport.line("%nSet-up (not measured): %d registered users in %.1f s%n", members, (System.nanoTime() - seeding) / 1e9);

        EventProcessingConfiguration processing = app.getBean(Configuration.class).eventProcessingConfiguration();
        MongoCollection<Document> events = app.getBean(MongoDatabase.class).getCollection("domainevents");
        awaitRelayCaughtUp(events);
        rawInsertOne(baseline, Math.min(members, 2000), clients, "warm-up");
        Rate rawBefore = rawInsertOne(baseline, members, clients, "before");
        boolean pauseRelay = Boolean.getBoolean("bench.pauseRelay");
        if (pauseRelay) {
            processing.eventProcessor(EventStoreKafkaRelay.PROCESSING_GROUP).ifPresent(EventProcessor::shutDown);
        }
        MongoCommandCounts commandsBefore = MongoCommandCounts.of(app.getBean(MeterRegistry.class));
        Rate addMembers = concurrently(members, clients, i -> send(http, base + "/api/v1/organizations/" + organizationId + "/members", token,
                "{\"userId\":\"" + users.get(i) + "\",\"roles\":[\"member\"]}", 201));
        // the service's own commands meanwhile: the commands and what runs beside them (the relay, the lookups' processors)
        MongoCommandCounts addMemberCommands = MongoCommandCounts.of(app.getBean(MeterRegistry.class)).since(commandsBefore);
        if (pauseRelay) {
            processing.eventProcessor(EventStoreKafkaRelay.PROCESSING_GROUP).ifPresent(EventProcessor::start);
        }
        awaitRelayCaughtUp(events);
        Rate rawAfter = rawInsertOne(baseline, members, clients, "after");

        BenchmarkReport.line("%nAdd-member over HTTP, %d clients, %d commands into one organization%s%n", clients, members,
                pauseRelay ? " (event store to Kafka relay paused meanwhile)" : "");
        BenchmarkReport.line("  add-member            %8.0f commands/s   p50 %6.1f ms   p99 %6.1f ms   (%.1f s)%n",
                addMembers.perSecond(), addMembers.p50Millis(), addMembers.p99Millis(), addMembers.seconds());
        BenchmarkReport.line("  MongoDB commands      %s%n", addMemberCommands.perOperation(members));
        BenchmarkReport.line("    by collection       %s%n", addMemberCommands.perOperationByCollection(members));
        BenchmarkReport.line("  raw insertOne before  %8.0f documents/s  p50 %6.2f ms   p99 %6.2f ms%n",
                rawBefore.perSecond(), rawBefore.p50Millis(), rawBefore.p99Millis());
        BenchmarkReport.line("  raw insertOne after   %8.0f documents/s  p50 %6.2f ms   p99 %6.2f ms%n",
                rawAfter.perSecond(), rawAfter.p50Millis(), rawAfter.p99Millis());
        double rawMean = (rawBefore.perSecond() + rawAfter.perSecond()) / 2;
        BenchmarkReport.line("  ratio add-member / raw insertOne = %.3f   (target >= 0.25)%n", addMembers.perSecond() / rawMean);

        measureLoads(app, organizationId, events);
        measureMembershipRepair(processing, events, members);
    }

    /**
     * The membership lookup's repair processor applying the whole store again from its start, as on its first start
     * (every write finds the lookup already right): the catch-up rate after a crash.
     */
    private static void measureMembershipRepair(EventProcessingConfiguration processing, MongoCollection<Document> events, int members) {
        TrackingEventProcessor repair = processing.eventProcessor("user-memberships-repair-v1", TrackingEventProcessor.class).orElseThrow();
        long stored = events.countDocuments();
        repair.shutDown();
        repair.resetTokens();
        long started = System.nanoTime();
        repair.start();
        // with no new events coming, a fresh status turns "caught up" when the processor read to the end of the store
        Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(() -> !repair.processingStatus().isEmpty()
                && repair.processingStatus().values().stream().allMatch(s -> s.isCaughtUp() && !s.isErrorState()));
        double seconds = (System.nanoTime() - started) / 1e9;
        BenchmarkReport.line("%nMembership lookup repair (user-memberships-repair-v1): the %d stored events (%d MemberAdded) applied again%n",
                stored, members);
        BenchmarkReport.line("  %8.0f events/s   (%.1f s)%n", stored / seconds, seconds);
    }

    /** The events so far reach Kafka before anything is measured, so that the baselines do not compete with them. */
    private static void awaitRelayCaughtUp(MongoCollection<Document> events) {
        long stored = events.countDocuments();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers());
        try (KafkaConsumer<byte[], byte[]> kafka = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
                List<TopicPartition> partitions = kafka.partitionsFor(Topics.IDENTITY).stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                return kafka.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum() >= stored;
            });
        }
    }

    /** Registers users in-process, as the service does (event store + accounts), without going through HTTP. */
    private static List<UUID> seedUsers(ConfigurableApplicationContext app, int count, int clients) throws Exception {
        CommandGateway commands = app.getBean(CommandGateway.class);
        Accounts accounts = app.getBean(Accounts.class);
        List<UUID> users = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            users.add(UUID.randomUUID());
        }
        concurrently(count, clients, i -> {
            UUID userId = users.get(i);
            String email = "member-" + i + "@bench.test";
            commands.sendAndWait(new RegisterUserCommand(userId, email, "Member", "No " + i, RegistrationSource.ADMIN, true, List.of(), null));
            accounts.save(new Account(userId, email, null, List.of()));
        });
        return users;
    }

    /** The baseline: insertOne of documents shaped like the stored MemberAdded events, by as many clients. */
    private static Rate rawInsertOne(MongoCollection<Document> collection, int count, int clients, String run) throws Exception {
        String aggregate = UUID.randomUUID().toString();
        AtomicInteger sequence = new AtomicInteger();
        return concurrently(count, clients, i -> collection.insertOne(new Document("_id", run + "-" + i)
                .append("aggregateIdentifier", aggregate)
                .append("sequenceNumber", (long) sequence.getAndIncrement())
                .append("type", "Organization")
                .append("eventIdentifier", UUID.randomUUID().toString())
                .append("payloadType", "io.roster.events.identity.MemberAdded")
                .append("payloadRevision", "1")
                .append("serializedPayload", "{\"eventId\":\"" + UUID.randomUUID() + "\",\"occurredAt\":\"" + Instant.now()
                        + "\",\"organizationId\":\"" + aggregate + "\",\"actorId\":\"" + UUID.randomUUID() + "\",\"userId\":\""
                        + UUID.randomUUID() + "\",\"roles\":[\"member\"],\"teamIds\":[],\"via\":\"direct\",\"invitationId\":null}")
                .append("timestamp", Instant.now().toString())
                .append("metaData", "{\"traceId\":\"" + UUID.randomUUID() + "\",\"correlationId\":\"" + UUID.randomUUID() + "\"}")));
    }

    private static void measureLoads(ConfigurableApplicationContext app, UUID organizationId, MongoCollection<Document> eventsCollection)
            throws Exception {
        Class<?> type = Class.forName(ORGANIZATION_CLASS);
        Configuration axon = app.getBean(Configuration.class);
        Cache cache = app.getBean("organizationCache", Cache.class);
        EventStorageEngine engine = app.getBean(EventStorageEngine.class);
        String id = organizationId.toString();
        long lastSequence = engine.lastSequenceNumberFor(id).orElseThrow();
        Repository<?> withSnapshots = axon.repository(type);

        BenchmarkReport.line("%nOrganization aggregate load (%d events), median / p90 / max of the runs, cache emptied before each%n", lastSequence + 1);
        long behind = lastSequence - engine.readSnapshot(id).map(s -> s.getSequenceNumber()).orElse(-1L);
        printLoad("with the latest trigger snapshot (" + behind + " events after it)", load(withSnapshots, cache, id, 10, 50));

        app.getBean(Snapshotter.class).scheduleSnapshot(type, id);
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> engine.readSnapshot(id).map(s -> s.getSequenceNumber() == lastSequence).orElse(false));
        Serializer serializer = app.getBean("serializer", Serializer.class);
        int snapshotBytes = engine.readSnapshot(id).map(s -> serializer.serialize(s.getPayload(), byte[].class).getData().length).orElse(0);
        printLoad("with a snapshot at the last event (" + snapshotBytes / 1024 + " KiB of JSON)", load(withSnapshots, cache, id, 10, 50));

        loadBreakdown(engine, id, 30);
        rawTailFind(eventsCollection, id, lastSequence, 30);

        EventStorageEngine hidingSnapshots = (EventStorageEngine) Proxy.newProxyInstance(EventStorageEngine.class.getClassLoader(),
                new Class<?>[]{EventStorageEngine.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("readSnapshot")) {
                        return Optional.empty();
                    }
                    try {
                        return method.invoke(engine, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        EmbeddedEventStore noSnapshotStore = EmbeddedEventStore.builder().storageEngine(hidingSnapshots).build();
        try {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Repository<?> withoutSnapshots = EventSourcingRepository.builder((Class) type)
                    .eventStore(noSnapshotStore)
                    .parameterResolverFactory(axon.parameterResolverFactory())
                    .handlerDefinition(axon.handlerDefinition(type))
                    .build();
            printLoad("without a snapshot (every event replayed)", load(withoutSnapshots, cache, id, 2, 5));
        } finally {
            noSnapshotStore.shutDown();
        }
    }

    /** Where a load from the snapshot spends its time: fetching the snapshot, reading its state, the events after it. */
    private static void loadBreakdown(EventStorageEngine engine, String id, int runs) {
        long[] fetch = new long[runs];
        long[] deserialize = new long[runs];
        long[] tail = new long[runs];
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            DomainEventMessage<?> snapshot = engine.readSnapshot(id).orElseThrow();
            long fetched = System.nanoTime();
            snapshot.getPayload();
            long deserialized = System.nanoTime();
            DomainEventStream rest = engine.readEvents(id, snapshot.getSequenceNumber() + 1);
            while (rest.hasNext()) {
                rest.next().getPayload();
            }
            long done = System.nanoTime();
            fetch[i] = fetched - started;
            deserialize[i] = deserialized - fetched;
            tail[i] = done - deserialized;
        }
        Arrays.sort(fetch);
        Arrays.sort(deserialize);
        Arrays.sort(tail);
        BenchmarkReport.line("    of which (medians): fetch the snapshot %.2f ms, read its state %.2f ms, read the events after it %.2f ms%n",
                fetch[runs / 2] / 1e6, deserialize[runs / 2] / 1e6, tail[runs / 2] / 1e6);
    }

    /** The baseline of the tail: the raw find Axon's Mongo store runs for the events after a snapshot. */
    private static void rawTailFind(MongoCollection<Document> events, String id, long after, int runs) {
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            events.find(Filters.and(Filters.eq("aggregateIdentifier", id), Filters.gt("sequenceNumber", after)))
                    .sort(Sorts.ascending("sequenceNumber"))
                    .into(new ArrayList<>());
            nanos[i] = System.nanoTime() - started;
        }
        Arrays.sort(nanos);
        BenchmarkReport.line("    raw find of those events, same query, same server (median): %.2f ms over %d stored events%n",
                nanos[runs / 2] / 1e6, events.countDocuments());
    }

    private static long[] load(Repository<?> repository, Cache cache, String id, int warmups, int runs) {
        long[] nanos = new long[runs];
        for (int i = -warmups; i < runs; i++) {
            cache.removeAll();
            UnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
            long started = System.nanoTime();
            try {
                repository.load(id);
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - started;
                }
            } finally {
                unitOfWork.rollback();
            }
        }
        cache.removeAll();
        Arrays.sort(nanos);
        return nanos;
    }

    private static void printLoad(String what, long[] sorted) {
        BenchmarkReport.line("  %-62s %8.2f / %8.2f / %8.2f ms%n", what, sorted[sorted.length / 2] / 1e6,
                sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)] / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    private interface Work {
        void run(int index) throws Exception;
    }

    /** Runs {@code count} operations on {@code clients} threads, each taking the next index; latencies of each. */
    private static Rate concurrently(int count, int clients, Work work) throws Exception {
        long[] latencies = new long[count];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long started = System.nanoTime();
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                        long begin = System.nanoTime();
                        work.run(i);
                        latencies[i] = System.nanoTime() - begin;
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        } finally {
            pool.shutdownNow();
        }
        long elapsed = System.nanoTime() - started;
        Arrays.sort(latencies);
        return new Rate(count, elapsed, latencies);
    }

    private record Rate(int count, long elapsedNanos, long[] sortedLatencies) {
        double perSecond() {
            return count / (elapsedNanos / 1e9);
        }

        double seconds() {
            return elapsedNanos / 1e9;
        }

        double p50Millis() {
            return sortedLatencies[sortedLatencies.length / 2] / 1e6;
        }

        double p99Millis() {
            return sortedLatencies[(int) Math.ceil(sortedLatencies.length * 0.99) - 1] / 1e6;
        }
    }

    private static String send(HttpClient http, String uri, String bearer, String json, int expectedStatus) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expectedStatus) {
            throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

}

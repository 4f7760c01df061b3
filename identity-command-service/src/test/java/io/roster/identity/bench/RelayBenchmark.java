package io.roster.identity.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Sorts;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.identity.IdentityApplication;
import io.roster.kit.axon.EventStoreKafkaRelay;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.BenchmarkReport;
import io.roster.testsupport.EmbeddedInfrastructure;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.axonframework.common.DateTimeUtils;
import org.axonframework.config.Configuration;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.documentperevent.EventEntry;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.documentperevent.EventEntryConfiguration;
import org.axonframework.extensions.mongo.eventsourcing.eventstore.MongoTrackingToken;
import org.axonframework.messaging.MetaData;
import org.axonframework.serialization.Serializer;
import org.awaitility.Awaitility;
import org.bson.Document;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the relay that cannot skip costs, next to baselines measured in the same run. Not a test: run it with
 * <pre>
 * ./mvnw -B -pl identity-command-service -am test-compile exec:java@relay-benchmark
 * </pre>
 * ({@code -Dbench.events=N}, default 10,000). Everything runs in this JVM on the embedded
 * servers (a Kafka broker, mongo-java-server in memory): the Mongo-wire server has none of MongoDB's secondary or
 * partial indexes, so the queries that MongoDB answers from the relay's partial index are full scans here, and the
 * figures say what they cost at worst. It prints:
 * <ol>
 *   <li>event inserts with and without the outbox flag (the same documents, the same server);</li>
 *   <li>the relay keeping up with N events appended at a steady pace, with the MongoDB commands it issued per event and
 *       per batch, by collection and command, and a raw Kafka produce of the same records;</li>
 *   <li>the sweep's and the lag's queries when nothing waits (every sweep interval, on a store of N events);</li>
 *   <li>the alternative not taken, a longer look-back: the size of the tracking token Axon writes after every batch,
 *       and its tracking query, at 100 events/s for look-backs of 1 s to 5 min;</li>
 *   <li>the operator's check ({@code GET /api/v1/admin/relay/verify}) over the store and the topic.</li>
 * </ol>
 */
public final class RelayBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS_PER_AGGREGATE = 10;
    private static final int APPENDS_PER_SECOND = 100;

    private RelayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("axoniq.update-checker.disabled", "true");
        int events = Integer.getInteger("bench.events", 10_000);
        String database = "relay-bench-" + UUID.randomUUID().toString().substring(0, 8);
        BenchmarkReport.line("Roster relay benchmark: %d stored events in aggregates of %d, %d cores, Java %s%n",
                events, EVENTS_PER_AGGREGATE, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        ConfigurableApplicationContext app = new SpringApplicationBuilder(IdentityApplication.class).run(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + EmbeddedInfrastructure.kafkaBootstrapServers(),
                "--roster.mongo.uri=" + EmbeddedInfrastructure.mongoUri(),
                "--roster.mongo.database=" + database,
                "--roster.kafka.topics.partitions=2",
                "--roster.identity.data-dir=" + Files.createTempDirectory("relay-bench"),
                "--roster.secrets.token-encryption-key=" + SecretBox.newKey(),
                "--roster.identity.password-hash-cost=4",
                // the sweep and the lag's refresh are measured on their own (3.); on the Mongo-wire server their scans
                // would otherwise slow everything else measured here
                "--roster.relay.sweep-interval=PT1H",
                "--logging.level.root=WARN");
        int exitCode = 0;
        try (MongoClient mongo = MongoClients.create(EmbeddedInfrastructure.mongoUri())) {
            run(app, mongo, database, events);
        } catch (Exception | AssertionError e) {
            org.slf4j.LoggerFactory.getLogger(RelayBenchmark.class).error("The benchmark failed", e);
            exitCode = 1;
        } finally {
            app.close();
        }
        System.exit(exitCode);
    }

    private static void run(ConfigurableApplicationContext app, MongoClient mongo, String database, int events) throws Exception {
        EventStorageEngine storage = app.getBean(EventStorageEngine.class);
        MongoCollection<Document> stored = mongo.getDatabase(database).getCollection("domainevents");
        EventProcessingConfiguration processing = app.getBean(Configuration.class).eventProcessingConfiguration();

        inserts(app, mongo.getDatabase(database + "-inserts"), Math.min(events, 5000));

        List<List<EventMessage<?>>> relayed = relay(app, storage, stored, events);
        rawProduce(app, relayed);

        queriesEverySweep(stored, stored.countDocuments(), 0);
        processing.eventProcessor(EventStoreKafkaRelay.PROCESSING_GROUP).ifPresent(EventProcessor::shutDown);
        organizationsOf(1000, 2).forEach(storage::appendEvents);  // stamped at once: the relay is paused, its token untouched
        queriesEverySweep(stored, stored.countDocuments(), 1000);
        processing.eventProcessor(EventStoreKafkaRelay.PROCESSING_GROUP).ifPresent(EventProcessor::start);
        awaitNothingWaits(stored);

        // paused: the longest look-backs' queries keep the Mongo-wire server busy for seconds
        processing.eventProcessor(EventStoreKafkaRelay.PROCESSING_GROUP).ifPresent(EventProcessor::shutDown);
        lookBack(app, stored, stored.countDocuments());
        processing.eventProcessor(EventStoreKafkaRelay.PROCESSING_GROUP).ifPresent(EventProcessor::start);
        verify(app);
    }

    private static void awaitNothingWaits(MongoCollection<Document> stored) {
        Awaitility.await("nothing waits for Kafka").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(2))
                .until(() -> stored.find(Filters.eq("relayPending", true)).limit(1).first() == null);
    }

    /**
     * 1. What the outbox flag changes on the write path: the same event documents (as Axon's document-per-event
     * strategy writes them) inserted with and without {@code relayPending: true}, alternately, into two fresh
     * collections with the event store's unique index.
     */
    private static void inserts(ConfigurableApplicationContext app, MongoDatabase scratch, int count) {
        Serializer serializer = app.getBean("eventSerializer", Serializer.class);
        double[] perSecond = new double[2];
        long[] nanos = new long[2];
        for (int flagged = 0; flagged < 2; flagged++) {
            scratch.getCollection("events-" + flagged).createIndex(new Document("aggregateIdentifier", 1).append("sequenceNumber", 1),
                    new IndexOptions().unique(true));
        }
        for (int round = 0; round < 2; round++) {
            nanos[0] = 0;
            nanos[1] = 0;
            for (List<EventMessage<?>> appended : organizationsOf(count, EVENTS_PER_AGGREGATE)) {
                for (int flagged = 0; flagged < 2; flagged++) {
                    List<Document> documents = new ArrayList<>();
                    for (EventMessage<?> event : appended) {
                        Document document = new EventEntry((GenericDomainEventMessage<?>) event, serializer)
                                .asDocument(EventEntryConfiguration.getDefault());
                        documents.add(flagged == 1 ? document.append("relayPending", true) : document);
                    }
                    long started = System.nanoTime();
                    scratch.getCollection("events-" + flagged).insertMany(documents);
                    nanos[flagged] += System.nanoTime() - started;
                }
            }
            perSecond[0] = count / (nanos[0] / 1e9);
            perSecond[1] = count / (nanos[1] / 1e9);
        }
        BenchmarkReport.line("1. Event inserts, %d events in inserts of %d, alternately (second round):", count, EVENTS_PER_AGGREGATE);
        BenchmarkReport.line("   as Axon writes them              %8.0f events/s", perSecond[0]);
        BenchmarkReport.line("   with relayPending: true          %8.0f events/s  (%.2fx)", perSecond[1], perSecond[1] / perSecond[0]);
        BenchmarkReport.line("   (MongoDB also adds one entry to the relay's partial index per insert and removes it when Kafka "
                + "has the event; the Mongo-wire server keeps no such index)");
    }

    /**
     * 2. The relay keeping up with a steady {@value #APPENDS_PER_SECOND} appends a second (two events each, as a
     * command appends them), with the MongoDB commands it issued per event and per batch. Steady, because a burst of
     * thousands of events within Axon's 1 s look-back puts thousands of event ids into the tracking token and its
     * {@code $nin}, which the Mongo-wire server evaluates per stored document (see 4.).
     */
    private static List<List<EventMessage<?>>> relay(ConfigurableApplicationContext app, EventStorageEngine storage,
                                                     MongoCollection<Document> stored, int events) throws Exception {
        MeterRegistry meters = app.getBean(MeterRegistry.class);
        List<List<EventMessage<?>>> appends = new java.util.concurrent.CopyOnWriteArrayList<>();
        Map<String, Long> before = mongoCommands(meters);
        long started = System.nanoTime();
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        CountDownLatch appended = new CountDownLatch(events / 2);
        pace.scheduleAtFixedRate(() -> {
            if (appended.getCount() > 0) {
                // stamped when appended, as a command's events are
                List<EventMessage<?>> next = organizationsOf(2, 2).get(0);
                storage.appendEvents(next);
                appends.add(next);
                appended.countDown();
            }
        }, 0, 1_000_000 / APPENDS_PER_SECOND, TimeUnit.MICROSECONDS);
        appended.await();
        pace.shutdown();
        double appending = (System.nanoTime() - started) / 1e9;
        awaitNothingWaits(stored);
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> after = mongoCommands(meters);
        long batches = after.getOrDefault("relay-published-v1 update", 0L) - before.getOrDefault("relay-published-v1 update", 0L);
        BenchmarkReport.line("2. The relay keeping up with %d events appended at %d appends/s (appended in %.1f s; all on Kafka "
                + "%.1f s after the first): %d batches of %.1f events", events, APPENDS_PER_SECOND, appending, seconds, batches,
                (double) events / Math.max(1, batches));
        BenchmarkReport.line("   MongoDB commands on the event store, the relay's records and Axon's token store (the appends' "
                + "own inserts included):");
        BenchmarkReport.line("     %-40s %10s %10s %10s", "", "issued", "per event", "per batch");
        after.forEach((key, count) -> {
            long issued = count - before.getOrDefault(key, 0L);
            if (issued > 0 && (key.startsWith("domainevents ") || key.startsWith("relay-published-v1 ")
                    || key.startsWith("trackingtokens "))) {
                BenchmarkReport.line("     %-40s %10d %10.3f %10.2f", key, issued, (double) issued / events,
                        (double) issued / Math.max(1, batches));
            }
        });
        BenchmarkReport.line("   the relay's own bookkeeping: relay-published-v1 find and update, domainevents update (flags "
                + "cleared): 3 commands per batch, beside Axon's token write and the tracking query");
        return appends;
    }

    /** The same records produced straight to Kafka: what publishing costs without an event store. */
    private static void rawProduce(ConfigurableApplicationContext app, List<List<EventMessage<?>>> backlog) throws Exception {
        @SuppressWarnings("unchecked")
        KafkaTemplate<String, byte[]> kafka = app.getBean(KafkaTemplate.class);
        CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        for (List<EventMessage<?>> appended : backlog) {
            for (EventMessage<?> message : appended) {
                GenericDomainEventMessage<?> event = (GenericDomainEventMessage<?>) message;
                records.add(codec.encode(new EventEnvelope((OrganizationRenamed) event.getPayload(),
                        event.getAggregateIdentifier(), event.getSequenceNumber(), null, null)));
            }
        }
        long started = System.nanoTime();
        for (int from = 0; from < records.size(); from += 200) {
            List<CompletableFuture<?>> acks = new ArrayList<>();
            records.subList(from, Math.min(records.size(), from + 200)).forEach(r -> acks.add(kafka.send(r)));
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        BenchmarkReport.line("   raw Kafka produce, same records, 200 per acknowledged batch: %8.0f records/s  (%.1f s)",
                records.size() / seconds, seconds);
    }

    /** 3. What every sweep interval costs: the lag's query and the sweep's, with {@code waiting} events not on Kafka. */
    private static void queriesEverySweep(MongoCollection<Document> stored, long total, int waiting) {
        String cutoff = DateTimeUtils.formatInstant(Instant.now().minusSeconds(1));
        int runs = 10;
        long started = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            stored.find(Filters.eq("relayPending", true)).sort(Sorts.ascending("timestamp")).limit(1).first();
            stored.find(Filters.and(Filters.eq("relayPending", true), Filters.lt("timestamp", cutoff)))
                    .sort(Sorts.ascending("timestamp")).limit(1000).into(new ArrayList<>());
        }
        double millis = (System.nanoTime() - started) / 1e6 / runs;
        BenchmarkReport.line("3. Every sweep interval (default 1 s), store of %d events, %d waiting for Kafka: the lag's and "
                + "the sweep's queries %.1f ms together (full scans and sorts of the waiting here; on MongoDB reads of the "
                + "partial index, which holds only the waiting)", total, waiting, millis);
    }

    /** 4. The alternative: a longer look-back. The token Axon stores after every batch, and its tracking query. */
    private static void lookBack(ConfigurableApplicationContext app, MongoCollection<Document> stored, long total) {
        Serializer serializer = app.getBean("serializer", Serializer.class);
        int rate = 100;
        BenchmarkReport.line("%n4. A longer look-back instead, at %d events/s (store of %d events):", rate, total);
        BenchmarkReport.line("   %-10s %12s %14s %22s", "look-back", "ids in token", "token bytes", "tracking query (ms)");
        for (Duration lookBack : List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
                Duration.ofMinutes(5))) {
            int ids = (int) (rate * lookBack.toSeconds());
            Instant now = Instant.now();
            Map<String, Long> tracked = new LinkedHashMap<>();
            for (int i = 0; i < ids; i++) {
                tracked.put(UUID.randomUUID().toString(), now.minusMillis(lookBack.toMillis() * (ids - i) / ids).toEpochMilli());
            }
            MongoTrackingToken token = MongoTrackingToken.of(now, tracked);
            int bytes = serializer.serialize(token, byte[].class).getData().length;
            long started = System.nanoTime();
            int runs = ids > 1000 ? 1 : 3;
            for (int i = 0; i < runs; i++) {
                stored.find(Filters.and(Filters.gte("timestamp", DateTimeUtils.formatInstant(now.minus(lookBack))),
                                Filters.nin("eventIdentifier", tracked.keySet())))
                        .sort(Sorts.ascending("timestamp", "sequenceNumber")).limit(200).into(new ArrayList<>());
            }
            BenchmarkReport.line("   %-10s %12d %14d %22.1f", lookBack, ids, bytes, (System.nanoTime() - started) / 1e6 / runs);
        }
        BenchmarkReport.line("   (the token is written to the token store after every batch, and every poll sends its ids in $nin)");
    }

    /** 5. The operator's check over the whole store and topic. */
    private static void verify(ConfigurableApplicationContext app) throws Exception {
        String base = "http://127.0.0.1:" + ((ReactiveWebServerApplicationContext) app).getWebServer().getPort();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/auth/token"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"admin@roster.local\",\"password\":\"roster-admin\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body()).get("accessToken").asText();
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/admin/relay/verify"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        double seconds = (System.nanoTime() - started) / 1e9;
        var report = JSON.readTree(response.body());
        BenchmarkReport.line("%n5. GET /api/v1/admin/relay/verify: %d in %.1f s (%d stored events, %d records read, %d missing)",
                response.statusCode(), seconds, report.path("storedEvents").asLong(), report.path("recordsRead").asLong(),
                report.path("missingEvents").asLong());
        if (report.path("missingEvents").asLong() != 0) {
            throw new AssertionError("the relay left events off the topic: " + response.body());
        }
    }

    /** Events of fresh aggregates, {@code perAggregate} each, one append per aggregate. */
    private static List<List<EventMessage<?>>> organizationsOf(int events, int perAggregate) {
        List<List<EventMessage<?>>> appends = new ArrayList<>();
        for (int a = 0; a < events / perAggregate; a++) {
            UUID organization = UUID.randomUUID();
            List<EventMessage<?>> appended = new ArrayList<>();
            for (int sequence = 0; sequence < perAggregate; sequence++) {
                Instant now = Instant.now();
                appended.add(new GenericDomainEventMessage<>("Organization", organization.toString(), sequence,
                        new OrganizationRenamed(UUID.randomUUID(), now, organization, null, "Name " + sequence),
                        MetaData.emptyInstance(), UUID.randomUUID().toString(), now));
            }
            appends.add(appended);
        }
        return appends;
    }

    /** Commands the service's MongoDB client issued so far, by "collection command". */
    private static Map<String, Long> mongoCommands(MeterRegistry meters) {
        Map<String, Long> counts = new TreeMap<>();
        for (Timer timer : meters.find("mongodb.driver.commands").timers()) {
            String key = timer.getId().getTag("collection") + " " + timer.getId().getTag("command");
            counts.merge(key, timer.count(), Long::sum);
        }
        return counts;
    }
}

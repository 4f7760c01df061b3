package io.roster.kit.consumer;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.Topics;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.kit.correlation.CorrelationId;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.util.backoff.ExponentialBackOff;
import org.springframework.util.backoff.FixedBackOff;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The consumer runtime against a real Kafka broker and a real Mongo-wire server: an outage of MongoDB (the server is
 * stopped, then started again on the same port with the same data), poison records, and a sequence gap.
 */
class ConsumerRuntimeTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static EmbeddedKafkaKraftBroker kafka;
    private static MemoryBackend backend;
    private static MongoServer mongo;
    private static int mongoPort;

    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private DefaultKafkaConsumerFactory<String, byte[]> consumers;
    private final AtomicBoolean fixed = new AtomicBoolean();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final String topic = "test-events-" + UUID.randomUUID();
    final String group = "test-group-" + UUID.randomUUID().toString().substring(0, 8);
    private MongoClient client;
    MongoDatabase database;
    private KafkaTemplate<String, byte[]> template;
    ConsumerRuntimes runtimes;

    @BeforeAll
    static void servers() {
        kafka = new EmbeddedKafkaKraftBroker(1, 2);
        kafka.brokerProperty("auto.create.topics.enable", "true");
        kafka.afterPropertiesSet();
        backend = new MemoryBackend() {
            @Override
            public void close() {
                // the data outlives a stopped server, as a real MongoDB's does
            }
        };
        mongo = new MongoServer(backend);
        mongo.bind("127.0.0.1", 0);
        mongoPort = mongo.getLocalAddress().getPort();
    }

    @AfterAll
    static void stopServers() {
        mongo.shutdownNow();
        kafka.destroy();
    }

    @BeforeEach
    void start() {
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + mongoPort))
                .applyToClusterSettings(c -> c.serverSelectionTimeout(1, TimeUnit.SECONDS))
                .applyToSocketSettings(s -> s.connectTimeout(1, TimeUnit.SECONDS).readTimeout(2, TimeUnit.SECONDS))
                .build());
        database = client.getDatabase("runtime-" + UUID.randomUUID().toString().substring(0, 8));
        template = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()), new StringSerializer(), new ByteArraySerializer()));
        consumers = new DefaultKafkaConsumerFactory<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
        EventHandlers handlers = EventHandlers.builder()
                .on(OrganizationCreated.class, (event, envelope) -> seen(envelope, event.name()))
                .on(OrganizationRenamed.class, (event, envelope) -> {
                    if (event.name().startsWith("poison") && !fixed.get()) {
                        throw new IllegalArgumentException("cannot take in " + event.name());
                    }
                    seen(envelope, event.name());
                })
                .build();
        runtimes = start(definition(group, List.of(topic), handlers, new AppliedSequences(database, "applied-sequences-v1")));
    }

    /** A runtime of {@code definition} on this test's broker, database and meters, with short back-offs. */
    ConsumerRuntimes start(ConsumerDefinition definition) {
        ConsumerRuntime.RetryBackOff backOff = new ConsumerRuntime.RetryBackOff(() -> {
            ExponentialBackOff exponential = new ExponentialBackOff(200, 2);
            exponential.setMaxInterval(1000);
            return exponential;
        }, () -> new FixedBackOff(100, ConsumerRuntime.ATTEMPTS - 1));
        ConsumerRuntimes started = new ConsumerRuntimes(List.of(definition), consumers, new WaitingEvents(database),
                new DeadLetters(database, template, meters), meters, backOff);
        started.start();
        return started;
    }

    /** A record consumer here; {@link BatchConsumerRuntimeTest} runs the same tests with a batch consumer. */
    ConsumerDefinition definition(String group, List<String> topics, EventHandlers handlers, AppliedSequences sequences) {
        return ConsumerDefinition.records(group, topics, handlers, sequences);
    }

    @AfterEach
    void stop() {
        runtimes.stop();
        template.destroy();
        client.close();
    }

    /** What the handlers took in, in order: aggregate, sequence, name, and the correlation id in the log context. */
    void seen(EventEnvelope envelope, String name) {
        database.getCollection("seen").insertOne(new Document("aggregateId", envelope.aggregateId())
                .append("sequence", envelope.sequenceNumber()).append("name", name)
                .append("logCorrelationId", MDC.get(CorrelationId.MDC_KEY)).append("at", System.nanoTime()));
    }

    List<Long> seenSequences(UUID aggregate) {
        List<Long> sequences = new ArrayList<>();
        database.getCollection("seen").find(new Document("aggregateId", aggregate.toString())).sort(Sorts.ascending("at"))
                .forEach(d -> sequences.add(d.getLong("sequence")));
        return sequences;
    }

    @Test
    void anInfrastructureFailureIsRetriedUntilMongoIsBackNothingIsDeadLetteredAndNothingSkipped() throws Exception {
        UUID org = UUID.randomUUID();
        send(created(org), 0);
        send(renamed(org, "One"), 1);
        // #1 recorded as applied, not only handled: stopped in between, the record comes again after the outage (at least
        // once), and this test's handler, unlike the services' upserts, would take it in twice
        await().atMost(WAIT).until(() -> new AppliedSequences(database, "applied-sequences-v1").lastApplied(org.toString()) == 1);

        mongo.shutdownNow();
        try {
            send(renamed(org, "Two"), 2);
            send(renamed(org, "Three"), 3);
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(meters.get("roster.consumer.stalled").tag("group", group).gauge().value()).isEqualTo(1.0);
                assertThat(health().getStatus()).isEqualTo(Status.DOWN);
            });
            // it keeps retrying: more attempts come while the outage lasts
            double retries = meters.get("roster.consumer.infrastructure.retries").tag("group", group).counter().count();
            await().atMost(WAIT).until(() ->
                    meters.get("roster.consumer.infrastructure.retries").tag("group", group).counter().count() > retries + 2);
            assertThat(health().getStatus()).isEqualTo(Status.DOWN);
        } finally {
            mongo = new MongoServer(backend);
            mongo.bind("127.0.0.1", mongoPort);
        }

        await().atMost(WAIT).untilAsserted(() -> assertThat(seenSequences(org)).containsExactly(0L, 1L, 2L, 3L));
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(meters.get("roster.consumer.stalled").tag("group", group).gauge().value()).isZero();
            assertThat(health().getStatus()).isEqualTo(Status.UP);
        });
        assertThat(deadLetterRecords(Duration.ofSeconds(3))).isEmpty();
        assertThat(runtimes.deadLetters(10)).isEmpty();
    }

    @Test
    void aRecordWhoseHandlerKeepsFailingIsDeadLetteredItsAggregateWaitsAndTheRedriveReleasesItInOrder() {
        UUID org = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        send(created(org), 0);
        send(renamed(org, "poison pill"), 1);
        send(renamed(org, "After"), 2);
        send(renamed(org, "After again"), 3);
        send(created(other), 0);

        await().atMost(WAIT).until(() -> seenSequences(other).size() == 1);
        ConsumerRuntimes.Listed listed = await().atMost(WAIT).until(() -> runtimes.deadLetters(10).stream().findFirst().orElse(null),
                found -> found != null && found.waiting() == 2);
        assertThat(listed.deadLetter().reason()).isEqualTo(DeadLetters.FAILED);
        assertThat(listed.deadLetter().aggregateId()).isEqualTo(org.toString());
        assertThat(listed.deadLetter().sequence()).isEqualTo(1L);
        assertThat(seenSequences(org)).containsExactly(0L);
        List<ConsumerRecord<String, byte[]>> published = deadLetterRecords(Duration.ofSeconds(10));
        assertThat(published).hasSize(1);
        assertThat(header(published.get(0), DeadLetters.REASON_HEADER)).isEqualTo(DeadLetters.FAILED);
        assertThat(meters.get("roster.consumer.dead.letters").tag("topic", topic).tag("reason", "failed").counter().count()).isEqualTo(1.0);
        assertThat(health().getStatus()).isEqualTo(Status.UP);
        assertThat(health().getDetails().toString()).contains(org.toString());

        // waiting is not stuck in memory: a later event still waits
        send(renamed(org, "Later"), 4);
        await().atMost(WAIT).until(() -> runtimes.deadLetters(10).get(0).waiting() == 3);
        assertThat(seenSequences(org)).containsExactly(0L);

        fixed.set(true);
        int applied = runtimes.redrive(listed.deadLetter(), "ops@example.com");

        assertThat(applied).isEqualTo(4);
        assertThat(seenSequences(org)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(runtimes.deadLetters(10).get(0).deadLetter().status()).isEqualTo("redriven");
        send(renamed(org, "Afterwards"), 5);
        await().atMost(WAIT).untilAsserted(() -> assertThat(seenSequences(org)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L));
    }

    @Test
    void anUnknownEventTypeIsDeadLetteredAtOnceAndADiscardIsAuditedAndReleasesTheWaitingEvents() {
        UUID org = UUID.randomUUID();
        send(created(org), 0);
        ProducerRecord<String, byte[]> unknown = record(renamed(org, "From the future"), 1);
        RecordHeaders headers = new RecordHeaders();
        unknown.headers().forEach(h -> headers.add(h.key().equals("ce_type")
                ? new RecordHeader("ce_type", "roster.identity.OrganizationTeleported.v1".getBytes(StandardCharsets.UTF_8)) : h));
        template.send(new ProducerRecord<>(topic, null, unknown.key(), unknown.value(), headers)).join();
        send(renamed(org, "After"), 2);

        ConsumerRuntimes.Listed listed = await().atMost(WAIT).until(() -> runtimes.deadLetters(10).stream().findFirst().orElse(null),
                found -> found != null && found.waiting() == 1);
        assertThat(listed.deadLetter().reason()).isEqualTo(DeadLetters.UNREADABLE);
        assertThat(listed.deadLetter().type()).isEqualTo("roster.identity.OrganizationTeleported.v1");
        assertThat(listed.deadLetter().sequence()).isEqualTo(1L);
        assertThat(seenSequences(org)).containsExactly(0L);
        assertThat(header(deadLetterRecords(Duration.ofSeconds(10)).get(0), DeadLetters.REASON_HEADER)).isEqualTo(DeadLetters.UNREADABLE);

        Instant before = Instant.now();
        int applied = runtimes.discard(listed.deadLetter(), "ops@example.com", "written by a test, never valid");

        assertThat(applied).isEqualTo(1);
        assertThat(seenSequences(org)).containsExactly(0L, 2L);
        DeadLetters.DeadLetter audited = runtimes.deadLetter(listed.deadLetter().id()).orElseThrow();
        assertThat(audited.status()).isEqualTo("discarded");
        assertThat(audited.resolvedBy()).isEqualTo("ops@example.com");
        assertThat(audited.discardReason()).isEqualTo("written by a test, never valid");
        assertThat(audited.resolvedAt()).isAfterOrEqualTo(before.minusSeconds(1));
        send(renamed(org, "Afterwards"), 3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(seenSequences(org)).containsExactly(0L, 2L, 3L));
    }

    @Test
    void anEventAfterAGapWaitsUntilTheMissingOneArrivesAndEveryLineCarriesTheCorrelationId() {
        UUID org = UUID.randomUUID();
        send(created(org), 0);
        send(renamed(org, "One"), 1);
        await().atMost(WAIT).until(() -> seenSequences(org).size() == 2);
        send(renamed(org, "Three"), 3);
        send(renamed(org, "Four"), 4);

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(meters.get("roster.consumer.sequence.gaps").tag("group", group).gauge().value()).isEqualTo(1.0);
            assertThat(health().getDetails().toString()).contains(org.toString()).contains("missingSequence=2");
        });
        assertThat(health().getStatus()).isEqualTo(Status.UP);
        assertThat(seenSequences(org)).containsExactly(0L, 1L);

        send(renamed(org, "Two (republished)"), 2);

        await().atMost(WAIT).untilAsserted(() -> assertThat(seenSequences(org)).containsExactly(0L, 1L, 2L, 3L, 4L));
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(meters.get("roster.consumer.sequence.gaps").tag("group", group).gauge().value()).isZero());
        List<String> logged = new ArrayList<>();
        database.getCollection("seen").find(new Document("aggregateId", org.toString()))
                .forEach(d -> logged.add(d.getString("logCorrelationId")));
        assertThat(logged).hasSize(5).allMatch(("correlation-" + org)::equals);
        assertThat(MDC.get(CorrelationId.MDC_KEY)).isNull();
    }

    @Test
    void theCountersExistAtZeroBeforeTheFirstRecordAndEveryAppliedEventIsTimedFromItsOccurredAt() {
        SoftAssertions softly = new SoftAssertions();
        Double unreadable = count(meters.find("roster.consumer.dead.letters").tag("topic", topic).tag("reason", "unreadable").counter());
        Double failed = count(meters.find("roster.consumer.dead.letters").tag("topic", topic).tag("reason", "failed").counter());
        Timer lag = meters.find("roster.consumer.applied.lag").tag("group", group).timer();
        softly.assertThat(unreadable).as("unreadable dead letters of %s before any record (registered at start)", topic).isEqualTo(0.0);
        softly.assertThat(failed).as("failed dead letters of %s before any record (registered at start)", topic).isEqualTo(0.0);
        softly.assertThat(lag).as("roster.consumer.applied.lag of %s, registered at start", group).isNotNull();
        if (lag == null) {
            softly.assertAll();
        }
        long before = lag.count();
        UUID org = UUID.randomUUID();
        // an event that happened 3 s before it is sent: its applied lag is at least that
        send(new OrganizationCreated(UUID.randomUUID(), Instant.now().minusSeconds(3), org, UUID.randomUUID(), "Created"), 0);
        send(renamed(org, "Renamed"), 1);
        await().atMost(WAIT).until(() -> seenSequences(org).size() == 2);
        try {
            // timed on the consumer's thread right after the handler that wrote "seen"
            await().atMost(Duration.ofSeconds(10)).until(() -> lag.count() >= 2);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the count is reported and asserted below
        }
        double max = lag.max(TimeUnit.SECONDS);
        LoggerFactory.getLogger(ConsumerRuntimeTest.class).info("applied lag of group {}: {} before, {} after two events, "
                + "max {} s; dead letter counters before any record: unreadable {}, failed {}", group, before, lag.count(),
                max, unreadable, failed);
        softly.assertThat(before).as("events timed before any record").isZero();
        softly.assertThat(lag.count()).as("events timed after two were applied").isEqualTo(2);
        softly.assertThat(max).as("the largest applied lag, seconds (the first event happened 3 s before it was sent)")
                .isGreaterThanOrEqualTo(3.0).isLessThan(3.0 + WAIT.toSeconds());
        softly.assertAll();
    }

    private static Double count(io.micrometer.core.instrument.Counter counter) {
        return counter == null ? null : counter.count();
    }

    private Health health() {
        return new ConsumersHealthIndicator(runtimes).health();
    }

    static RosterEvent created(UUID org) {
        return new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, UUID.randomUUID(), "Created");
    }

    static RosterEvent renamed(UUID org, String name) {
        return new OrganizationRenamed(UUID.randomUUID(), Instant.now(), org, UUID.randomUUID(), name);
    }

    private ProducerRecord<String, byte[]> record(RosterEvent event, long sequence) {
        ProducerRecord<String, byte[]> encoded = codec.encode(new EventEnvelope(event, event.aggregateId().toString(), sequence,
                "correlation-" + event.aggregateId(), null));
        return new ProducerRecord<>(topic, null, encoded.key(), encoded.value(), encoded.headers());
    }

    void send(RosterEvent event, long sequence) {
        template.send(record(event, sequence)).join();
    }

    private List<ConsumerRecord<String, byte[]>> deadLetterRecords(Duration within) {
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "dlt-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.deadLetter(topic)));
            long until = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < until && found.isEmpty()) {
                consumer.poll(Duration.ofMillis(250)).forEach(found::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(found::add);
        }
        return found;
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

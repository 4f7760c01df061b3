package io.roster.localstack.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.roster.localstack.LocalStack;
import io.roster.localstack.RunningStack;
import io.roster.localstack.StackHttp;
import io.roster.localstack.LocalStackConfig;
import io.roster.localstack.Ports;
import io.roster.localstack.TestPorts;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Issue #5's "done means" for bulk CSV invitations, on the whole suite as separate processes (the {@link LocalStack}
 * launcher, as {@code ./local-stack.sh} starts it, with its own ports and a temporary data folder): the bootstrap
 * admin creates an organization with two teams and uploads one 1000-row file, twice (a first upload that meets
 * freshly started services, and a second one, each to a new organization). From the moment an upload is sent it
 * prints when
 * <ol>
 *   <li>the upload answered (the service answers once every row is invited: see BulkInvitationController),</li>
 *   <li>all 1000 InvitationIssued are in the invitation service's event store (its MongoDB database),</li>
 *   <li>all 1000 are on Kafka ({@code roster.invitation.v1}, InvitationIssued records carrying the job's id),</li>
 *   <li>all 1000 pending invitees are in the query API ({@code GET :16083/…/members?status=pending}, paged),</li>
 *   <li>all 1000 emails were accepted by the SMTP server (the notification service's delivery log, {@code sent}),</li>
 * </ol>
 * next to baselines measured in the same run on the same servers, since a shared 2-core machine is noisy: 1000 raw
 * {@code insertOne} of event-sized documents on the same Mongo-wire server, and 1000 raw records of the same size
 * produced to and consumed from the same Kafka broker. Targets (ENGINEERING.md): pending rows queryable ≤ 5 s, emails
 * ≤ 10 s. The watchers poll every {@value #POLL_MILLIS} ms, which is itself load on the stack being measured (each poll
 * reads every page of two lists; at 50 ms those reads were a noticeable share of the load), so a time is known to
 * within that.
 *
 * <p>Needs the four service jars: build them once, then run the benchmark (from the repository root):
 * <pre>
 * ./mvnw -o -B -q -pl identity-command-service,invitation-service,query-service,notification-service package -DskipTests
 * ./mvnw -o -B -pl local-stack test-compile exec:java@bulk-csv-benchmark [-Dbench.rows=1000]
 * </pre>
 * Ports: block 16 of {@link TestPorts} (Kafka 16092/16093, Mongo-wire 16017, SMTP 16025, IMAP 16143, inbox 16080, services 16081–16084). The local
 * stack's other options apply as system properties, e.g. {@code -Droster.service-jvm-options="…"} to profile.
 */
public final class BulkCsvBenchmark {

    private static final Logger log = LoggerFactory.getLogger(BulkCsvBenchmark.class);
    private static final Ports PORTS = TestPorts.block(16);
    private static final String HOST = "http://127.0.0.1:";
    private static final String IDENTITY = HOST + PORTS.identity();
    private static final String INVITATION = HOST + PORTS.invitation();
    private static final String QUERY = HOST + PORTS.query();
    private static final String NOTIFICATION = HOST + PORTS.notification();
    private static final String INVITATION_TOPIC = "roster.invitation.v1";
    /** Any revision of InvitationIssued ({@code roster.invitation.InvitationIssued.v<N>}). */
    private static final String INVITATION_ISSUED = "roster.invitation.InvitationIssued.v";
    private static final Duration GIVE_UP = Duration.ofMinutes(3);
    /** How often the watchers look; each look is load on the stack being measured, so not much more often. */
    private static final long POLL_MILLIS = 250;
    private static final Duration POLL = Duration.ofMillis(POLL_MILLIS);

    private final int rows = Integer.getInteger("bench.rows", 1000);
    private final ObjectMapper json = new ObjectMapper();
    private final StackHttp http = new StackHttp();
    /** For the upload alone, which may take longer than {@link StackHttp}'s timeout. */
    private final HttpClient uploads = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private String token;

    private BulkCsvBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Files.createTempDirectory("roster-bulk-csv-benchmark");
        // -Droster.<option> (see LocalStackConfig.OPTIONS) may change e.g. the services' JVM options, to profile
        LocalStackConfig config = LocalStackConfig.resolve(new String[0], System.getProperties(), Map.of(), Path.of(""))
                .withDataDir(dataDir)
                .withPorts(PORTS);
        try (RunningStack stack = RunningStack.start(config)) {
            new BulkCsvBenchmark().run(stack);
        } catch (Exception | AssertionError e) {
            log.error("The bulk CSV benchmark failed; the services' logs are in {}", dataDir.resolve("logs"), e);
            System.exit(1);
        }
        // the stack is stopped; the data folder (with the logs) is left for a look, in the system's temporary folder
        System.exit(0);
    }

    private void run(RunningStack stack) throws Exception {
        log.info("Local stack ready in {} ms (data folder {})", stack.startupTime().toMillis(), stack.config().dataDir());
        token = http.login(IDENTITY, LocalStackConfig.DEFAULT_ADMIN_EMAIL, LocalStackConfig.DEFAULT_ADMIN_PASSWORD);
        try (MongoClient mongo = MongoClients.create("mongodb://127.0.0.1:" + PORTS.mongo())) {
            MongoCollection<Document> eventStore = mongo.getDatabase("roster-invitation").getCollection("domainevents");
            // the first upload meets services that never ran this code (class loading, a JIT that has not
            // compiled it yet); the second one shows the steady state. Each goes to an organization of its own.
            Figures first = upload("first upload after start", "Bulk Benchmark 1", eventStore);
            Figures second = upload("second upload", "Bulk Benchmark 2", eventStore);
            Baselines baselines = baselines(mongo, eventStore);
            print(List.of(first, second), baselines);
        }
    }

    /** The times of one upload, from sending it, in nanoseconds. */
    private record Figures(String name, long answered, long stored, long onKafka, long queryable, long emailed,
                           StackMongoCommands mongoCommands) {
    }

    private Figures upload(String name, String organizationName, MongoCollection<Document> eventStore) throws Exception {
        String organizationId = http.created(http.post(IDENTITY + "/api/v1/organizations", token, "{\"name\":\"" + organizationName + "\"}"), "organizationId");
        for (String team : List.of("Sales", "Customer Success")) {
            http.created(http.post(IDENTITY + "/api/v1/organizations/" + organizationId + "/teams", token, "{\"name\":\"" + team + "\"}"), "teamId");
        }
        awaitInvitationServiceKnowsTheTeams(organizationId);
        String domain = organizationName.toLowerCase(java.util.Locale.ROOT).replace(' ', '-') + ".io";
        String csv = "email,group membership\r\n" + IntStream.range(0, rows)
                .mapToObj(i -> "invitee" + i + "@" + domain + "," + List.of("Sales", "\"Sales, Customer Success\"", "").get(i % 3))
                .collect(Collectors.joining("\r\n")) + "\r\n";

        try (KafkaConsumer<String, byte[]> consumer = invitationTopicFromItsEnd()) {
            Map<String, Long> kafkaArrivals = new ConcurrentHashMap<>();
            Map<String, AtomicInteger> issuedOnKafka = new ConcurrentHashMap<>();
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService watchers = Executors.newFixedThreadPool(4);
            try {
                StackMongoCommands mongoBefore = StackMongoCommands.of(http, PORTS);
                long sent = System.nanoTime();
                Future<?> kafkaWatcher = watchers.submit(() -> countIssuedOnKafka(consumer, issuedOnKafka, kafkaArrivals, stop));
                // the organization's InvitationIssued: the job's id is known only once the upload answered
                Future<Long> stored = watchers.submit(() -> firstTimeAtLeast(sent, () -> issuedInEventStore(eventStore, organizationId)));
                Future<Long> queryable = watchers.submit(() -> firstTimeAtLeast(sent, () -> count(QUERY + "/api/v1/organizations/"
                        + organizationId + "/members?status=pending&limit=200")));
                Future<Long> emailed = watchers.submit(() -> firstTimeAtLeast(sent, () -> count(NOTIFICATION + "/api/v1/organizations/"
                        + organizationId + "/notifications?status=sent&limit=200")));

                HttpResponse<String> answer = postCsv(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations/bulk", csv);
                long answered = System.nanoTime() - sent;
                JsonNode outcome = http.body(answer);
                if (answer.statusCode() != 201 || outcome.path("invited").asInt() != rows) {
                    throw new IllegalStateException("the upload answered " + answer.statusCode() + " " + answer.body());
                }
                String jobId = outcome.path("jobId").asText();
                long onKafka = firstTimeAtLeast(sent, () -> issuedOnKafka.getOrDefault(jobId, new AtomicInteger()).get(),
                        () -> kafkaArrivals.get(jobId));
                Figures figures = new Figures(name, answered, stored.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS), onKafka,
                        queryable.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS), emailed.get(GIVE_UP.toSeconds(), TimeUnit.SECONDS),
                        StackMongoCommands.of(http, PORTS).since(mongoBefore));
                stop.set(true);
                kafkaWatcher.get(30, TimeUnit.SECONDS);
                int ofTheJob = issuedInEventStore(eventStore, jobId);
                if (ofTheJob != rows) {
                    throw new IllegalStateException("the event store holds " + ofTheJob + " InvitationIssued of the job, not " + rows);
                }
                return figures;
            } finally {
                stop.set(true);
                watchers.shutdownNow();
            }
        }
    }

    /** The figures as one table, logged as one message so its lines stay together. */
    private void print(List<Figures> uploads, Baselines baselines) {
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%nBulk CSV: one file of %d rows (each a new address), times in ms from sending the upload%n", rows));
        table.append(String.format(Locale.ROOT, "  %-52s", ""));
        uploads.forEach(figures -> table.append(String.format(Locale.ROOT, " %26s", figures.name())));
        table.append(System.lineSeparator());
        row(table, uploads, "upload answered (201, every row invited)", Figures::answered, "");
        row(table, uploads, "all " + rows + " InvitationIssued in the event store", Figures::stored, "");
        row(table, uploads, "all " + rows + " InvitationIssued on Kafka", Figures::onKafka, "");
        row(table, uploads, "all " + rows + " pending rows in the query API", Figures::queryable, "target <= 5000");
        row(table, uploads, "all " + rows + " emails accepted by SMTP (delivery log)", Figures::emailed, "target <= 5000");
        uploads.forEach(figures -> table.append(String.format(Locale.ROOT, "  MongoDB commands per row, %s (upload to last email): %s%n",
                figures.name(), figures.mongoCommands().perOperation(rows))));
        table.append(String.format(Locale.ROOT, "  by collection, %s:%n%s", uploads.get(uploads.size() - 1).name(),
                uploads.get(uploads.size() - 1).mongoCommands().perOperationByCollection(rows)));
        long stored = uploads.get(uploads.size() - 1).stored();
        long published = uploads.get(uploads.size() - 1).onKafka() - stored;
        table.append(String.format(Locale.ROOT, "%nBaselines on the same servers, same count (%d), one client, after the uploads:%n", rows));
        table.append(String.format(Locale.ROOT, "  %-60s %7d ms   (second upload stored in %.1fx of it)%n",
                "raw insertOne of event-sized documents, one after another",
                ms(baselines.mongoInserts()), (double) stored / baselines.mongoInserts()));
        table.append(String.format(Locale.ROOT, "  %-60s %7d ms   (second upload, event store -> Kafka: %.1fx of it)",
                "raw Kafka produce (acks=all) + consume of same-sized records", ms(baselines.kafkaRoundTrip()),
                (double) Math.max(0, published) / baselines.kafkaRoundTrip()));
        log.info("{}", table);
    }

    private void row(StringBuilder table, List<Figures> uploads, String what, java.util.function.ToLongFunction<Figures> figure,
                     String target) {
        table.append(String.format(Locale.ROOT, "  %-52s", what));
        uploads.forEach(figures -> table.append(String.format(Locale.ROOT, " %26d", ms(figure.applyAsLong(figures)))));
        table.append(String.format(Locale.ROOT, "   %s%n", target));
    }

    /** InvitationIssued events in the invitation service's event store whose JSON holds this id. */
    private static int issuedInEventStore(MongoCollection<Document> eventStore, String id) {
        return (int) eventStore.countDocuments(Filters.and(Filters.eq("payloadType", "io.roster.events.invitation.InvitationIssued"),
                Filters.regex("serializedPayload", Pattern.quote(id))));
    }

    /** Polls a count until it reaches {@link #rows}; answers the time since {@code since} at which it was first seen. */
    private long firstTimeAtLeast(long since, IntSupplier count) {
        return firstTimeAtLeast(since, count, () -> null);
    }

    /** As above, but takes the moment from {@code exactly} (e.g. when the last record arrived) when it knows it. */
    private long firstTimeAtLeast(long since, IntSupplier count, java.util.function.Supplier<Long> exactly) {
        long deadline = since + GIVE_UP.toNanos();
        while (count.getAsInt() < rows) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up after " + GIVE_UP + ": " + count.getAsInt() + " of " + rows);
            }
            LockSupport.parkNanos(POLL.toNanos());
        }
        Long exact = exactly.get();
        return (exact != null ? exact : System.nanoTime()) - since;
    }

    /** Counts InvitationIssued per bulk job, and notes when a job's count reached {@link #rows}. */
    private void countIssuedOnKafka(KafkaConsumer<String, byte[]> consumer, Map<String, AtomicInteger> issued,
                                    Map<String, Long> completedAt, AtomicBoolean stop) {
        while (!stop.get()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                var type = record.headers().lastHeader("ce_type");
                if (type == null || !new String(type.value(), StandardCharsets.UTF_8).startsWith(INVITATION_ISSUED)) {
                    continue;
                }
                try {
                    String job = json.readTree(record.value()).path("bulkJobId").asText(null);
                    if (job != null && issued.computeIfAbsent(job, j -> new AtomicInteger()).incrementAndGet() == rows) {
                        completedAt.put(job, System.nanoTime());
                    }
                } catch (IOException e) {
                    throw new IllegalStateException("an unreadable record on " + INVITATION_TOPIC, e);
                }
            }
        }
    }

    private KafkaConsumer<String, byte[]> invitationTopicFromItsEnd() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + PORTS.kafka());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "bulk-csv-benchmark-" + UUID.randomUUID());
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(INVITATION_TOPIC).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the end offsets now, before anything is uploaded
        return consumer;
    }

    /** The items of every page of a list endpoint; 0 while it refuses (the organization is not projected yet). */
    private int count(String firstPage) {
        try {
            return http.allItems(firstPage, token).size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            return 0;
        }
    }

    /** The invitation service learns of organizations and teams from Kafka: a dry run of one row says when it knows them. */
    private void awaitInvitationServiceKnowsTheTeams(String organizationId) throws Exception {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        String probe = "email,group membership\r\nprobe@bulk-benchmark.io,\"Sales, Customer Success\"\r\n";
        while (true) {
            HttpResponse<String> dryRun = postCsv(INVITATION + "/api/v1/organizations/" + organizationId + "/invitations/bulk?dryRun=true",
                    probe);
            if (dryRun.statusCode() == 200 && http.body(dryRun).path("invited").asInt() == 1) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the invitation service never learnt the organization's teams: " + dryRun.body());
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
    }

    private record Baselines(long mongoInserts, long kafkaRoundTrip) {
    }

    /** The same number of documents and records, of the size the stack's own events have, on the same servers. */
    private Baselines baselines(MongoClient mongo, MongoCollection<Document> eventStore) throws Exception {
        Document sample = eventStore.find(Filters.eq("payloadType", "io.roster.events.invitation.InvitationIssued")).first();
        String payload = sample == null ? "x".repeat(1000) : String.valueOf(sample.get("serializedPayload"));
        MongoDatabase scratch = mongo.getDatabase("bulk-benchmark-baseline");
        MongoCollection<Document> raw = scratch.getCollection("raw-" + UUID.randomUUID());
        long started = System.nanoTime();
        for (int i = 0; i < rows; i++) {
            raw.insertOne(new Document("_id", UUID.randomUUID().toString()).append("aggregateIdentifier", UUID.randomUUID().toString())
                    .append("sequenceNumber", 0L).append("serializedPayload", payload));
        }
        long mongoInserts = System.nanoTime() - started;
        scratch.drop();

        byte[] value = payload.getBytes(StandardCharsets.UTF_8);
        String topic = "bulk-benchmark-baseline-" + UUID.randomUUID();
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + PORTS.kafka());
        try (Admin kafkaAdmin = Admin.create(admin)) {
            kafkaAdmin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + PORTS.kafka());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + PORTS.kafka());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "bulk-benchmark-baseline-" + UUID.randomUUID());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position);
            producer.partitionsFor(topic);
            started = System.nanoTime();
            List<Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                acks.add(producer.send(new ProducerRecord<>(topic, UUID.randomUUID().toString(), value)));
            }
            for (Future<?> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
            int consumed = 0;
            while (consumed < rows) {
                consumed += consumer.poll(Duration.ofMillis(50)).count();
            }
            return new Baselines(mongoInserts, System.nanoTime() - started);
        }
    }

    private HttpResponse<String> postCsv(String url, String csv) throws IOException, InterruptedException {
        return uploads.send(HttpRequest.newBuilder(URI.create(url)).timeout(GIVE_UP)
                .header("Authorization", "Bearer " + token).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}

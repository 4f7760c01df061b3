package io.roster.query.bench;

import io.roster.testsupport.BenchmarkReport;
import io.roster.testsupport.mongo.MongoCommandCounts;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.query.EventLog;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import io.roster.query.member.MemberRows;
import io.roster.query.rebuild.ProjectionRebuild;
import io.roster.query.rebuild.RebuildJob;
import io.roster.testsupport.EmbeddedInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * Replaying the event topics into an empty read-model version, next to a raw read of the same records
 * measured in the same run (ENGINEERING.md: only the ratio means anything on these machines; the target is
 * a replay at 0.3× the raw read or better).
 *
 * <p>Publishes {@code bench.events} (100,000) identity events of a realistic mix to the embedded Kafka broker
 * (6 partitions) with the CloudEvents codec: organizations with three teams each, users registering and
 * joining one or two organizations (a third of them into a team), role and team changes, profile updates,
 * removals, team renames. Then (1) reads every record from the beginning with a plain consumer and does
 * nothing with them, and (2) runs the service's own rebuild ({@link ProjectionRebuild}, as the admin endpoint
 * does) from an empty version, on the embedded Mongo-wire server, and prints both rates and their ratio. The
 * live consumer is off, so the rebuild has the two cores to itself. (3) is a baseline on the Mongo side: one
 * upsert by {@code _id} per event, the least a replay that writes every event costs on this server; the rebuild's own
 * count of Mongo commands per event is printed next to it. Run (no -q, it would hide the output):
 * {@code ./mvnw -o -B -pl query-service test-compile exec:exec@replay-benchmark [-Dbench.events=100000]}
 */
public final class ReplayBenchmark {

    private static final int TEAMS_PER_ORGANIZATION = 3;

    private final EventLog log = new EventLog();
    private final Random random = new Random(42);
    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private final ConfigurableApplicationContext context;

    private ReplayBenchmark(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static void main(String[] args) {
        int events = args.length == 0 || args[0].isBlank() ? 100_000 : Integer.parseInt(args[0].trim());
        // only the rebuild applies events
        BenchmarkService.runAndExit(ReplayBenchmark.class, 6, context -> new ReplayBenchmark(context).run(events),
                "--roster.query.rebuild.settle-time=PT0S");
    }

    private void run(int count) {
        List<EventEnvelope> events = realisticHistory(count);
        long published = System.nanoTime();
        publish(events);
        BenchmarkReport.line("%nPublished %,d events to %s (6 partitions) in %.1f s%n", events.size(), Topics.IDENTITY,
                (System.nanoTime() - published) / 1e9);

        rawRead(); // warm-up: broker page cache, consumer classes
        long rawStarted = System.nanoTime();
        long rawRecords = rawRead();
        double rawSeconds = (System.nanoTime() - rawStarted) / 1e9;

        MongoDatabase database = context.getBean(MongoDatabase.class);
        long rawMongoStarted = System.nanoTime();
        rawUpserts(database, events);
        double rawMongoSeconds = (System.nanoTime() - rawMongoStarted) / 1e9;

        MeterRegistry meters = context.getBean(MeterRegistry.class);
        MongoCommandCounts commandsBefore = MongoCommandCounts.of(meters);
        ProjectionRebuild rebuild = context.getBean(ProjectionRebuild.class);
        RebuildJob started = rebuild.start();
        RebuildJob finished = await("the rebuild").atMost(Duration.ofHours(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> rebuild.find(started.jobId()).orElseThrow(), job -> job.finishedAt() != null);
        if (finished.failure() != null) {
            throw new IllegalStateException("The rebuild failed: " + finished.failure());
        }
        double replaySeconds = Duration.between(finished.startedAt(), finished.finishedAt()).toNanos() / 1e9;
        MongoCommandCounts replayCommands = MongoCommandCounts.of(meters).since(commandsBefore);
        long commands = replayCommands.total();
        long rows = database.getCollection(VersionedCollection.physicalName(MemberRows.COLLECTION,
                context.getBean(ProjectionCollections.class).activeVersion())).countDocuments();

        double rawRate = rawRecords / rawSeconds;
        double replayRate = finished.eventsApplied() / replaySeconds;
        BenchmarkReport.line("%-46s %,10d records in %7.2f s = %,10.0f events/s%n", "(1) raw Kafka read, no processing", rawRecords, rawSeconds, rawRate);
        BenchmarkReport.line("%-46s %,10d events  in %7.2f s = %,10.0f events/s  (%,d member rows)%n",
                "(2) rebuild into an empty version (v" + finished.version() + ")", finished.eventsApplied(), replaySeconds, replayRate, rows);
        BenchmarkReport.line("%-46s %,10d upserts in %7.2f s = %,10.0f events/s%n", "(3) raw Mongo upsert by _id, one per event",
                events.size(), rawMongoSeconds, events.size() / rawMongoSeconds);
        BenchmarkReport.line("replay / raw read = %.3f (target >= 0.3)%n", replayRate / rawRate);
        BenchmarkReport.line("the rebuild sent %,d Mongo commands: %.1f per event; replay / raw upsert = %.3f%n",
                commands, (double) commands / finished.eventsApplied(), replayRate / (events.size() / rawMongoSeconds));
        BenchmarkReport.line("  by collection: %s%n", replayCommands.perOperationByCollection(finished.eventsApplied()));
    }

    /**
     * The least a replay that writes every event could cost on this Mongo-wire server: one upsert by {@code _id} per
     * event, one round trip each, into a collection of its own (then dropped), on the service's own client.
     */
    private static void rawUpserts(MongoDatabase database, List<EventEnvelope> events) {
        MongoCollection<Document> collection = database.getCollection("bench-raw-upserts");
        for (EventEnvelope event : events) {
            collection.updateOne(Filters.eq("_id", event.event().eventId().toString()), Updates.combine(
                    Updates.set("type", event.type().name()), Updates.set("aggregateId", event.aggregateId()),
                    Updates.set("sequence", event.sequenceNumber())), new UpdateOptions().upsert(true));
        }
        collection.drop();
    }


    /** Every record of the event topics, from the beginning, counted and dropped. */
    private long rawRead() {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : Topics.EVENT_TOPICS) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long records = 0;
            long bytes = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    bytes += record.value().length;
                }
            }
            if (bytes == 0) {
                throw new IllegalStateException("read nothing");
            }
            return records;
        }
    }

    private void publish(List<EventEnvelope> events) {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            events.forEach(event -> producer.send(codec.encode(event)));
            producer.flush();
        }
    }

    /**
     * A history of about {@code count} events, in the order a busy installation would write them: of every
     * hundred, about 1 organization (with its admin and its teams), 30 users registering, 40 joins, 10 role
     * changes, 8 team changes, 5 removals, 4 profile updates and the odd team rename.
     */
    private List<EventEnvelope> realisticHistory(int count) {
        List<EventEnvelope> events = new ArrayList<>(count + 100);
        List<UUID> organizations = new ArrayList<>();
        Map<UUID, List<UUID>> teams = new java.util.HashMap<>();
        Map<UUID, List<UUID>> members = new java.util.HashMap<>();
        List<UUID> users = new ArrayList<>();
        while (events.size() < count) {
            int dice = random.nextInt(100);
            if (organizations.isEmpty() || dice < 1) {
                UUID organization = UUID.randomUUID();
                UUID admin = UUID.randomUUID();
                organizations.add(organization);
                events.add(log.organizationCreated(organization, "Org " + organizations.size()));
                events.add(log.userRegistered(admin, "admin-" + admin + "@example.io", "Ada", "Admin"));
                events.add(log.memberAdded(organization, admin, List.of("admin")));
                members.computeIfAbsent(organization, o -> new ArrayList<>()).add(admin);
                for (int t = 0; t < TEAMS_PER_ORGANIZATION; t++) {
                    UUID team = UUID.randomUUID();
                    teams.computeIfAbsent(organization, o -> new ArrayList<>()).add(team);
                    events.add(log.teamCreated(organization, team, "Team " + t));
                }
            } else if (dice < 31 || users.isEmpty()) {
                UUID user = UUID.randomUUID();
                users.add(user);
                events.add(log.userRegistered(user, "user-" + user + "@example.io", "User" + users.size(), "Smith"));
            } else if (dice < 71) {
                UUID organization = pick(organizations);
                UUID user = pick(users);
                List<UUID> current = members.computeIfAbsent(organization, o -> new ArrayList<>());
                if (!current.contains(user)) {
                    current.add(user);
                    events.add(random.nextInt(3) == 0
                            ? log.memberAdded(organization, user, List.of("member"), pick(teams.get(organization)))
                            : log.memberAdded(organization, user, List.of(random.nextInt(10) == 0 ? "billing-manager" : "member")));
                }
            } else if (dice < 81) {
                withMember(organizations, members, (organization, user) ->
                        events.add(log.rolesChanged(organization, user, List.of(random.nextBoolean() ? "admin" : "member"))));
            } else if (dice < 89) {
                withMember(organizations, members, (organization, user) ->
                        events.add(log.teamsChanged(organization, user, pick(teams.get(organization)))));
            } else if (dice < 94) {
                withMember(organizations, members, (organization, user) -> {
                    if (members.get(organization).size() > 1) {
                        members.get(organization).remove(user);
                        events.add(log.memberRemoved(organization, user));
                    }
                });
            } else if (dice < 98) {
                UUID user = pick(users);
                events.add(log.profileUpdated(user, "Renamed", "Smith-" + random.nextInt(1000)));
            } else {
                UUID organization = pick(organizations);
                events.add(log.teamRenamed(organization, pick(teams.get(organization)), "Team " + random.nextInt(1000)));
            }
        }
        return events;
    }

    private void withMember(List<UUID> organizations, Map<UUID, List<UUID>> members, java.util.function.BiConsumer<UUID, UUID> change) {
        UUID organization = pick(organizations);
        List<UUID> current = members.get(organization);
        if (current != null && !current.isEmpty()) {
            change.accept(organization, current.get(random.nextInt(current.size())));
        }
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}

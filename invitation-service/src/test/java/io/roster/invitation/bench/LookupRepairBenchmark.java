package io.roster.invitation.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.invitation.InvitationApplication;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.BenchmarkReport;
import io.roster.testsupport.mongo.MongoCommandCounts;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import org.awaitility.Awaitility;
import io.roster.kit.lookup.RepairedLookup;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.bson.Document;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the invitation lookup's repair costs: how fast its tracking processor applies the event store (every event a
 * second time, finding the lookup already right; and from an emptied lookup, writing every entry), next to a raw read
 * of the same event documents and a raw write of as many lookup entries in the same run; and how a bulk upload fares
 * with the repair processors running beside it or stopped. Not a test: run it with
 * <pre>
 * ./mvnw -B -o -pl invitation-service -am test-compile exec:java [-Dbench.invitations=4000]
 * </pre>
 * Everything runs in this JVM: an embedded Kafka broker, a Mongo-wire server (mongo-java-server, in memory) and the
 * service on a random port, so the figures are those of one machine doing all of it.
 */
public final class LookupRepairBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REPAIR = "invitation-lookup-repair-v1";
    private static final List<String> ALL_REPAIRS = List.of(REPAIR, "link-lookup-repair-v1", "bulk-invitation-jobs-repair-v1");
    private static final int ROWS_PER_UPLOAD = 1000;
    private static final int CLIENTS = 8;

    private LookupRepairBenchmark() {
    }

    public static void main(String[] args) {
        System.setProperty("axoniq.update-checker.disabled", "true");
        int invitations = Integer.getInteger("bench.invitations", 4000);
        Map<String, String> properties = new LinkedHashMap<>();
        EmbeddedInfrastructure.register((key, value) -> properties.put(key, String.valueOf(value.get())), "invitation-bench");
        TestTokenIssuer.register((key, value) -> properties.put(key, String.valueOf(value.get())));
        List<String> arguments = new ArrayList<>();
        properties.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        arguments.addAll(List.of("--server.port=0", "--roster.secrets.token-encryption-key=" + SecretBox.newKey(),
                "--logging.level.root=WARN"));
        BenchmarkReport.line("Roster invitation lookup repair benchmark: %d invitations, %d cores, Java %s",
                invitations, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

        ConfigurableApplicationContext app = new SpringApplicationBuilder(InvitationApplication.class, ReadOnlyTracker.class)
                .run(arguments.toArray(String[]::new));
        int exitCode = 0;
        try {
            run(app, invitations);
        } catch (Exception | AssertionError e) {
            org.slf4j.LoggerFactory.getLogger(LookupRepairBenchmark.class).error("The benchmark failed", e);
            exitCode = 1;
        } finally {
            app.close();
        }
        System.exit(exitCode);
    }

    private static void run(ConfigurableApplicationContext app, int invitations) throws Exception {
        Service service = new Service(app);
        UUID organization = service.organization();
        EventProcessingConfiguration processing = app.getBean(EventProcessingConfiguration.class);
        MongoDatabase database = app.getBean(MongoDatabase.class);
        MongoCollection<Document> events = database.getCollection("domainevents");
        MongoCollection<Document> lookup = database.getCollection("invitation-lookup-v1");

        long seeding = System.nanoTime();
        for (int done = 0; done < invitations; done += ROWS_PER_UPLOAD) {
            service.upload(organization, done, Math.min(ROWS_PER_UPLOAD, invitations - done));
        }
        List<UUID> issued = lookup.find(Filters.eq("organizationId", organization.toString()))
                .map(entry -> UUID.fromString(entry.getString("_id"))).into(new ArrayList<>());
        List<UUID> revoked = issued.subList(0, issued.size() / 4);
        concurrently(revoked.size(), i -> service.revoke(organization, revoked.get(i)));
        awaitCaughtUp(processing, REPAIR);
        long stored = events.countDocuments();
        BenchmarkReport.line("Set-up (not measured): %d invitations issued by bulk upload, %d revoked, %d events in the store, %.1f s",
                issued.size(), revoked.size(), stored, (System.nanoTime() - seeding) / 1e9);

        MeterRegistry meters = app.getBean(MeterRegistry.class);
        double readOnly = replay(processing, ReadOnlyTracker.NAME);
        MongoCommandCounts beforeAgain = MongoCommandCounts.of(meters);
        double again = replay(processing, REPAIR);
        MongoCommandCounts appliedAgain = MongoCommandCounts.of(meters).since(beforeAgain);
        lookup.deleteMany(new Document());
        MongoCommandCounts beforeRebuild = MongoCommandCounts.of(meters);
        double fromNothing = replay(processing, REPAIR);
        MongoCommandCounts rebuilt = MongoCommandCounts.of(meters).since(beforeRebuild);
        long pending = lookup.countDocuments(Filters.eq("status", "pending"));
        long endedByRevoke = lookup.countDocuments(Filters.eq("status", "revoked"));
        if (pending != issued.size() - revoked.size() || endedByRevoke != revoked.size()) {
            throw new AssertionError("The repair rebuilt " + pending + " pending and " + endedByRevoke + " revoked entries");
        }
        double rawRead = rawRead(events);
        double rawWrite = rawUpsertInBatches(database.getCollection("raw-baseline"), (int) stored);

        BenchmarkReport.line("");
        BenchmarkReport.line("Repair processor (%s), batches of 100, over the %d stored events", REPAIR, stored);
        BenchmarkReport.line("  a tracking processor that only reads %8.0f events/s  (%.1f s; the same store, batch and polling)",
                stored / readOnly, readOnly);
        BenchmarkReport.line("  applied again, lookup already right  %8.0f events/s  (%.1f s)", stored / again, again);
        BenchmarkReport.line("  from an emptied lookup               %8.0f events/s  (%.1f s)", stored / fromNothing, fromNothing);
        BenchmarkReport.line("  raw find of the event documents      %8.0f docs/s", stored / rawRead);
        BenchmarkReport.line("  raw upserts of entries, 100 a batch  %8.0f docs/s", stored / rawWrite);
        BenchmarkReport.line("  MongoDB commands per event, applied again: %s", appliedAgain.perOperation(stored));
        BenchmarkReport.line("  MongoDB commands per event, from an emptied lookup: %s", rebuilt.perOperation(stored));

        // the live path with the repairs beside it, or stopped (they then catch up after the upload); three uploads each
        List<Double> withoutRepair = new ArrayList<>();
        List<Double> withRepair = new ArrayList<>();
        List<Double> repairBehind = new ArrayList<>();
        MongoCommandCounts uploadCommands = null;
        int next = invitations;
        for (int round = 0; round < 3; round++) {
            ALL_REPAIRS.forEach(name -> processing.eventProcessor(name).ifPresent(EventProcessor::shutDown));
            int first = next;
            withoutRepair.add(timed(() -> service.upload(organization, first, ROWS_PER_UPLOAD)));
            ALL_REPAIRS.forEach(name -> processing.eventProcessor(name).ifPresent(EventProcessor::start));
            awaitCaughtUp(processing, REPAIR);
            int second = next + ROWS_PER_UPLOAD;
            MongoCommandCounts beforeUpload = MongoCommandCounts.of(meters);
            withRepair.add(timed(() -> service.upload(organization, second, ROWS_PER_UPLOAD)));
            repairBehind.add(timed(() -> awaitCaughtUp(processing, REPAIR)));
            uploadCommands = MongoCommandCounts.of(meters).since(beforeUpload);
            next += 2 * ROWS_PER_UPLOAD;
        }
        BenchmarkReport.line("");
        BenchmarkReport.line("A %d-row bulk upload (%d events), median of 3", ROWS_PER_UPLOAD, ROWS_PER_UPLOAD + 1);
        BenchmarkReport.line("  repair processors stopped            %8.2f s   %s", median(withoutRepair), withoutRepair);
        BenchmarkReport.line("  repair processors running beside it  %8.2f s   %s; the repair caught up %.2f s after the answer",
                median(withRepair), withRepair, median(repairBehind));
        BenchmarkReport.line("  MongoDB commands per row, the last upload with its repair: %s", uploadCommands.perOperation(ROWS_PER_UPLOAD));
    }

    private static double median(List<Double> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }

    /** Seconds the repair processor takes to apply every stored event again from the start. */
    private static double replay(EventProcessingConfiguration processing, String name) {
        TrackingEventProcessor repair = processing.eventProcessor(name, TrackingEventProcessor.class).orElseThrow();
        repair.shutDown();
        repair.resetTokens();
        long started = System.nanoTime();
        repair.start();
        awaitCaughtUp(processing, name);
        return (System.nanoTime() - started) / 1e9;
    }

    private static void awaitCaughtUp(EventProcessingConfiguration processing, String name) {
        TrackingEventProcessor repair = processing.eventProcessor(name, TrackingEventProcessor.class).orElseThrow();
        // with no new events coming, a fresh status turns "caught up" when the processor read to the end of the store
        Awaitility.await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(20)).until(() -> !repair.processingStatus().isEmpty()
                && repair.processingStatus().values().stream().allMatch(s -> s.isCaughtUp() && !s.isErrorState()));
    }

    private static double rawRead(MongoCollection<Document> events) {
        long started = System.nanoTime();
        long read = 0;
        for (Document ignored : events.find().batchSize(100)) {
            read++;
        }
        if (read == 0) {
            throw new AssertionError("no events read");
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static double rawUpsertInBatches(MongoCollection<Document> collection, int count) {
        long started = System.nanoTime();
        List<WriteModel<Document>> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(new UpdateOneModel<>(Filters.eq("_id", UUID.randomUUID().toString()), Updates.combine(
                    Updates.setOnInsert("organizationId", UUID.randomUUID().toString()),
                    Updates.setOnInsert("email", "raw-" + i + "@bench.test"),
                    Updates.setOnInsert("tokenHash", UUID.randomUUID().toString()),
                    Updates.setOnInsert("status", "pending"),
                    Updates.setOnInsert("expiresAt", new Date())), new UpdateOptions().upsert(true)));
            if (batch.size() == 100 || i == count - 1) {
                collection.bulkWrite(batch);
                batch.clear();
            }
        }
        return (System.nanoTime() - started) / 1e9;
    }

    private static double timed(Runnable work) {
        long started = System.nanoTime();
        work.run();
        return (System.nanoTime() - started) / 1e9;
    }

    private interface Task {
        void run(int index) throws Exception;
    }

    private static void concurrently(int count, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                done.add(pool.submit(() -> {
                    task.run(index);
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The baseline of the same mechanism: a tracking processor over the same event store, batch size and polling,
     * whose handler takes every event and writes nothing.
     */
    @Configuration
    static class ReadOnlyTracker {

        static final String NAME = "bench-read-only";

        @Bean
        ConfigurerModule readOnlyTracker() {
            Object handler = new Object() {
                @EventHandler
                void on(Object event) {
                    // reads only
                }
            };
            return configurer -> configurer.eventProcessing(processing -> processing
                    .registerEventHandler(c -> handler)
                    .assignHandlerInstancesMatching(NAME, candidate -> candidate == handler)
                    .registerTrackingEventProcessor(NAME, c -> c.eventStore(),
                            c -> TrackingEventProcessorConfiguration.forSingleThreadedProcessing().andBatchSize(RepairedLookup.REPAIR_BATCH_SIZE)));
        }
    }

    /** The service over HTTP, as its admin. */
    private static final class Service {

        private final ConfigurableApplicationContext app;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        private final String base;
        private final UUID admin = UUID.randomUUID();
        private final String token = TestTokenIssuer.get().tokenFor(admin, "admin@bench.test", List.of());

        Service(ConfigurableApplicationContext app) {
            this.app = app;
            this.base = "http://127.0.0.1:" + ((ReactiveWebServerApplicationContext) app).getWebServer().getPort();
        }

        /** An organization the directory knows, administered by this admin. */
        @SuppressWarnings("unchecked")
        UUID organization() {
            UUID organization = UUID.randomUUID();
            KafkaTemplate<String, byte[]> kafka = app.getBean(KafkaTemplate.class);
            CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
            kafka.send(codec.encode(EventEnvelope.of(new OrganizationCreated(UUID.randomUUID(), Instant.now(), organization, admin,
                    "Bench"), 0))).join();
            kafka.send(codec.encode(EventEnvelope.of(new MemberAdded(UUID.randomUUID(), Instant.now(), organization, admin, admin,
                    List.of("admin"), List.of(), JoinPath.DIRECT, null), 1))).join();
            IdentityDirectory directory = app.getBean(IdentityDirectory.class);
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> directory.isAdmin(organization, admin));
            return organization;
        }

        /** Invites {@code rows} new addresses with one bulk CSV upload. */
        void upload(UUID organization, int first, int rows) {
            StringBuilder csv = new StringBuilder("email,group membership\n");
            for (int i = first; i < first + rows; i++) {
                csv.append("invitee-").append(i).append("@bench.test,\n");
            }
            JsonNode outcome = send(HttpRequest.newBuilder(URI.create(base + "/api/v1/organizations/" + organization + "/invitations/bulk"))
                    .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv.toString())), 201);
            if (outcome.get("invited").asInt() != rows) {
                throw new AssertionError("Invited " + outcome.get("invited") + " of " + rows);
            }
        }

        void revoke(UUID organization, UUID invitation) {
            send(HttpRequest.newBuilder(URI.create(base + "/api/v1/organizations/" + organization + "/invitations/" + invitation)).DELETE(), 200);
        }

        private JsonNode send(HttpRequest.Builder request, int expected) {
            try {
                HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + token)
                        .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != expected) {
                    throw new AssertionError(request.build().uri() + " answered " + response.statusCode() + ": " + response.body());
                }
                return JSON.readTree(response.body());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}

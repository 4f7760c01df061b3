package io.roster.notification.bench;

import io.roster.testsupport.BenchmarkReport;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.invitation.InvitationIssued;
import io.roster.kit.secrets.SecretBox;
import io.roster.notification.MailServer;
import io.roster.notification.NotificationApplication;
import io.roster.notification.TestEnvironment;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import io.roster.testsupport.fault.TcpProxy;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
import org.springframework.boot.autoconfigure.mongo.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 1000 InvitationIssued events → 1000 emails in a GreenMail mailbox, through the whole service (Kafka
 * consumer, MongoDB delivery records, workers, Thymeleaf, SMTP). Prints emails per second and the latency
 * from the event to the SMTP server's acceptance (p50/p90/p99/max, from the delivery records), next to
 * baselines measured in the same run: raw SMTP sends of same-sized emails with the same concurrency (a
 * connection per email, and one reused connection per thread as the service's pool does), a raw Kafka
 * produce + consume of the same number of records, and raw MongoDB inserts of delivery-sized documents.
 * Also the SMTP connections the service opened (counted by a TCP proxy in front of the SMTP server) and the
 * MongoDB commands the service sent per email (counted by a driver CommandListener on its client), beside the
 * raw insert's one command per document.
 *
 * Then {@code bench.paced} events at {@code bench.pacePerSecond}: the latency of one email when nothing queues.
 *
 * <pre>./mvnw -o -q -pl notification-service test-compile exec:java@email-benchmark
 *     [-Dbench.events=1000] [-Dbench.organizations=1] [-Dbench.workers=8] [-Dbench.perOrganization=4]
 *     [-Dbench.paced=200] [-Dbench.pacePerSecond=20]</pre>
 */
public final class EmailBenchmark {

    private static final CloudEventsKafkaCodec CODEC = new CloudEventsKafkaCodec();

    private EmailBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("bench.events", 1000);
        int organizations = Integer.getInteger("bench.organizations", 1);
        int workers = Integer.getInteger("bench.workers", 8);
        int perOrganization = Integer.getInteger("bench.perOrganization", 4);
        int smtpThreads = Math.min(workers, perOrganization * organizations);
        int exit = 0;
        try (MailServer mail = MailServer.open();
             TcpProxy smtpConnections = TcpProxy.start(0, "127.0.0.1", mail.port())) {
            String kafka = EmbeddedInfrastructure.kafkaBootstrapServers();
            String mongoUri = EmbeddedInfrastructure.mongoUri();

            Rate rawSmtp = rawSmtp(mail, events, smtpThreads, false);
            Rate rawSmtpReused = rawSmtp(mail, events, smtpThreads, true);
            Rate rawKafka = rawKafka(kafka, events);
            Rate rawMongo = rawMongo(mongoUri, events);
            mail.stop();
            mail.start();

            String database = "notification-bench-" + UUID.randomUUID().toString().substring(0, 8);
            CommandCounter commands = new CommandCounter(database);
            ConfigurableApplicationContext service = start(smtpConnections.port(), commands, kafka, mongoUri, database, workers,
                    perOrganization);
            try (KafkaProducer<String, byte[]> producer = producer(kafka);
                 MongoClient client = MongoClients.create(mongoUri)) {
                MongoDatabase db = client.getDatabase(database);
                List<UUID> orgs = new ArrayList<>();
                UUID admin = UUID.randomUUID();
                for (int i = 0; i < organizations; i++) {
                    UUID org = UUID.randomUUID();
                    orgs.add(org);
                    producer.send(record(new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, "Benchmark Org " + i)));
                }
                producer.flush();
                waitUntil(() -> db.getCollection("organizations-v1").countDocuments() == organizations, Duration.ofSeconds(60));

                String token = SecretBox.newToken();
                var sealed = TestEnvironment.SECRETS.seal(token);
                long connectionsBefore = smtpConnections.connectionsAccepted();
                Map<String, Long> commandsBefore = commands.snapshot();
                long start = System.nanoTime();
                for (int i = 0; i < events; i++) {
                    UUID org = orgs.get(i % organizations);
                    producer.send(record(new InvitationIssued(UUID.randomUUID(), Instant.now(), org, admin, UUID.randomUUID(),
                            "invitee-" + i + "@bench.test", "Invitee", "Number " + i, List.of("member"), List.of(),
                            Instant.now().plus(3, ChronoUnit.DAYS), SecretBox.hash(token), sealed, null)));
                }
                producer.flush();
                long produced = System.nanoTime();
                waitUntil(() -> mail.all().size() >= events, Duration.ofMinutes(5));
                long delivered = System.nanoTime();
                long connectionsOpened = smtpConnections.connectionsAccepted() - connectionsBefore;
                Map<String, Long> commandsSent = CommandCounter.between(commandsBefore, commands.snapshot());

                List<Long> latencies = new ArrayList<>();
                db.getCollection("deliveries-v1").find(Filters.and(Filters.eq("status", "sent"), Filters.regex("recipient", "^invitee-")))
                        .forEach((Document d) ->
                        latencies.add(d.getDate("sentAt").getTime() - d.getDate("eventOccurredAt").getTime()));
                Collections.sort(latencies);
                double seconds = (delivered - start) / 1e9;
                double rate = events / seconds;
                BenchmarkReport.line("");
                BenchmarkReport.line("Email benchmark: %d InvitationIssued events, %d organization(s), %d workers, %d per organization",
                        events, organizations, workers, perOrganization);
                BenchmarkReport.line("  deliveries recorded sent       %d", latencies.size());
                BenchmarkReport.line("  produced in                    %.2f s", (produced - start) / 1e9);
                BenchmarkReport.line("  first event -> last email      %.2f s  => %.0f emails/s", seconds, rate);
                BenchmarkReport.line("  event -> SMTP accepted         p50 %d ms, p90 %d ms, p99 %d ms, max %d ms",
                        percentile(latencies, 50), percentile(latencies, 90), percentile(latencies, 99),
                        latencies.isEmpty() ? 0 : latencies.get(latencies.size() - 1));
                BenchmarkReport.line("  emails in the mailbox          %d", mail.all().size());
                BenchmarkReport.line("  SMTP connections opened        %d  => %.1f emails per connection",
                        connectionsOpened, events / (double) Math.max(1, connectionsOpened));
                BenchmarkReport.line("  MongoDB commands               %d  => %.2f per email  (raw insertOne: 1.00 per document)",
                        CommandCounter.total(commandsSent), CommandCounter.total(commandsSent) / (double) events);
                commandsSent.forEach((name, count) ->
                        BenchmarkReport.line("    %-40s %6d  %.2f per email", name, count, count / (double) events));
                BenchmarkReport.line("Baselines in the same run");
                BenchmarkReport.line("  raw SMTP, %d threads, a connection per email     %6.0f emails/s  (service = %.2fx)",
                        smtpThreads, rawSmtp.perSecond(), rate / rawSmtp.perSecond());
                BenchmarkReport.line("  raw SMTP, %d threads, one connection per thread  %6.0f emails/s  (service = %.2fx)",
                        smtpThreads, rawSmtpReused.perSecond(), rate / rawSmtpReused.perSecond());
                BenchmarkReport.line("  raw Kafka produce + consume of %d records      %6.0f records/s (service = %.2fx)",
                        events, rawKafka.perSecond(), rate / rawKafka.perSecond());
                BenchmarkReport.line("  raw MongoDB insertOne of %d delivery documents %6.0f docs/s    (service = %.2fx)",
                        events, rawMongo.perSecond(), rate / rawMongo.perSecond());

                // paced: one event every 1000/pace ms, so that the latency is the service's, not the queue's
                int paced = Integer.getInteger("bench.paced", 200);
                int pace = Integer.getInteger("bench.pacePerSecond", 20);
                long pacedStart = System.nanoTime();
                for (int i = 0; i < paced; i++) {
                    long due = pacedStart + i * 1_000_000_000L / pace;
                    waitUntil(() -> System.nanoTime() >= due, Duration.ofSeconds(60), Duration.ofMillis(1));
                    producer.send(record(new InvitationIssued(UUID.randomUUID(), Instant.now(), orgs.get(i % organizations), admin,
                            UUID.randomUUID(), "paced-" + i + "@bench.test", "Paced", "Number " + i, List.of("member"), List.of(),
                            Instant.now().plus(3, ChronoUnit.DAYS), SecretBox.hash(token), sealed, null)));
                    producer.flush();
                }
                waitUntil(() -> mail.all().size() >= events + paced, Duration.ofMinutes(2));
                // a worker records sentAt just after the server accepted the email: the mailbox can be a moment ahead
                waitUntil(() -> db.getCollection("deliveries-v1").countDocuments(Filters.and(Filters.regex("recipient", "^paced-"),
                        Filters.exists("sentAt"))) >= paced, Duration.ofSeconds(30));
                List<Long> pacedLatencies = new ArrayList<>();
                db.getCollection("deliveries-v1").find(Filters.regex("recipient", "^paced-")).forEach((Document d) ->
                        pacedLatencies.add(d.getDate("sentAt").getTime() - d.getDate("eventOccurredAt").getTime()));
                Collections.sort(pacedLatencies);
                BenchmarkReport.line("Paced: %d events at %d/s", paced, pace);
                BenchmarkReport.line("  event -> SMTP accepted         p50 %d ms, p90 %d ms, p99 %d ms, max %d ms",
                        percentile(pacedLatencies, 50), percentile(pacedLatencies, 90), percentile(pacedLatencies, 99),
                        pacedLatencies.isEmpty() ? 0 : pacedLatencies.get(pacedLatencies.size() - 1));
                if (mail.all().size() != events + paced) {
                    BenchmarkReport.line("MISMATCH: %d emails for %d events", mail.all().size(), events + paced);
                    exit = 1;
                }
            } finally {
                service.close();
            }
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(EmailBenchmark.class).error("The benchmark failed", e);
            exit = 2;
        }
        System.exit(exit);
    }

    private static ConfigurableApplicationContext start(int smtpPort, CommandCounter commands, String kafka, String mongoUri,
                                                         String database, int workers, int perOrganization) {
        Map<String, Object> p = new LinkedHashMap<>();
        TestEnvironment.properties(smtpPort).forEach((name, value) -> p.put(name, value.get()));
        p.put("spring.kafka.bootstrap-servers", kafka);
        p.put("roster.mongo.uri", mongoUri);
        p.put("roster.mongo.database", database);
        p.put("roster.auth.jwks-uri", TestTokenIssuer.get().jwksUri());
        p.put("roster.auth.issuer", TestTokenIssuer.get().issuer());
        p.put("server.port", 0);
        // production delivery settings, except the concurrency under test
        p.put("roster.notification.delivery.workers", workers);
        p.put("roster.notification.delivery.per-organization-concurrency", perOrganization);
        p.put("roster.notification.delivery.poll-interval", "500ms");
        p.put("roster.notification.delivery.maintenance-interval", "1s");
        p.put("roster.notification.delivery.lease", "5m");
        p.put("logging.level.root", "WARN");
        p.put("logging.level.io.roster", "WARN");
        // test-support's recorder (the index-coverage check) walks the stack for every command: not what production pays
        p.put("spring.autoconfigure.exclude", "io.roster.testsupport.mongo.CommandRecordingAutoConfiguration");
        List<String> args = new ArrayList<>();
        p.forEach((name, value) -> args.add("--" + name + "=" + value));
        MongoClientSettingsBuilderCustomizer counting = settings -> settings.addCommandListener(commands);
        return new SpringApplicationBuilder(NotificationApplication.class)
                .initializers(context -> context.getBeanFactory().registerSingleton("benchCommandCounter", counting))
                .run(args.toArray(String[]::new));
    }

    // ---------------------------------------------------------------- baselines

    private record Rate(int count, long nanos) {
        double perSecond() {
            return count / (nanos / 1e9);
        }
    }

    /** The same number of same-sized multipart emails straight to the SMTP server, one connection each or one per thread. */
    private static Rate rawSmtp(MailServer mail, int count, int threads, boolean reuseConnections) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(mail.port()));
        Session session = Session.getInstance(props);
        String html = "<html><body>" + "<p>An invitation to join Benchmark Org on Roster, with a button and a link.</p>".repeat(45)
                + "</body></html>";
        String text = "An invitation to join Benchmark Org on Roster.\n".repeat(12);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            done.add(pool.submit(() -> {
                Transport reused = null;
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    MimeMessage message = new MimeMessage(session);
                    message.setFrom(new InternetAddress("no-reply@roster.test", "Roster"));
                    message.setRecipient(Message.RecipientType.TO, new InternetAddress("baseline-" + i + "@bench.test"));
                    message.setSubject("You are invited to join Benchmark Org on Roster", "UTF-8");
                    MimeBodyPart plain = new MimeBodyPart();
                    plain.setText(text, "UTF-8", "plain");
                    MimeBodyPart rich = new MimeBodyPart();
                    rich.setText(html, "UTF-8", "html");
                    message.setContent(new MimeMultipart("alternative", plain, rich));
                    message.saveChanges();
                    if (reuseConnections) {
                        if (reused == null) {
                            reused = session.getTransport("smtp");
                            reused.connect();
                        }
                        reused.sendMessage(message, message.getAllRecipients());
                    } else {
                        try (Transport transport = session.getTransport("smtp")) {
                            transport.connect();
                            transport.sendMessage(message, message.getAllRecipients());
                        }
                    }
                }
                if (reused != null) {
                    reused.close();
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        long nanos = System.nanoTime() - start;
        pool.shutdown();
        return new Rate(count, nanos);
    }

    /** The same number of records of an InvitationIssued's size, produced and then consumed, on a topic created and warmed up first. */
    private static Rate rawKafka(String bootstrap, int count) throws Exception {
        String topic = "bench-baseline-" + UUID.randomUUID();
        try (AdminClient admin = AdminClient.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        byte[] value = new byte[1300];
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            producer.send(new ProducerRecord<>(topic, 0, "warm-up", value)).get(30, TimeUnit.SECONDS);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            int warm = 0;
            long warmDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (warm < 1 && System.nanoTime() < warmDeadline) {
                warm += consumer.poll(Duration.ofMillis(100)).count();
            }
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, Integer.toString(i), value));
            }
            producer.flush();
            int read = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (read < count && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(100)).count();
            }
            return new Rate(read, System.nanoTime() - start);
        }
    }

    /** The same number of documents of a delivery's size, inserted one by one (what recording the deliveries costs at least). */
    private static Rate rawMongo(String mongoUri, int count) {
        try (MongoClient client = MongoClients.create(mongoUri)) {
            var collection = client.getDatabase("bench-baseline-" + UUID.randomUUID().toString().substring(0, 8)).getCollection("docs");
            String event = "e".repeat(1300);
            collection.insertOne(new Document("_id", "warm-up"));
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                collection.insertOne(new Document("_id", UUID.randomUUID().toString()).append("triggeringEventId", UUID.randomUUID().toString())
                        .append("status", "pending").append("route", "org").append("dueAt", new java.util.Date()).append("event", event));
            }
            return new Rate(count, System.nanoTime() - start);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 1), new StringSerializer(), new ByteArraySerializer());
    }

    private static ProducerRecord<String, byte[]> record(RosterEvent event) {
        return CODEC.encode(EventEnvelope.of(event, 0));
    }

    /** Polls a condition every 10 ms: the end of a run is measured to within that. */
    private static void waitUntil(java.util.concurrent.Callable<Boolean> condition, Duration timeout) {
        waitUntil(condition, timeout, Duration.ofMillis(10));
    }

    private static void waitUntil(java.util.concurrent.Callable<Boolean> condition, Duration timeout, Duration poll) {
        org.awaitility.Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(poll).until(condition);
    }

    private static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}

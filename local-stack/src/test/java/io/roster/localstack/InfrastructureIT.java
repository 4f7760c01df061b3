package io.roster.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stack's infrastructure alone (no services): a real Kafka broker process, the Mongo-wire server and the mail
 * catcher, on ports of its own (see {@link TestPorts}) with a temporary data folder; then a restart on the same folder keeps the data.
 */
class InfrastructureIT {

    private static final Logger log = LoggerFactory.getLogger(InfrastructureIT.class);
    private static final String TOPIC = "roster.local-stack-test.v1";

    @TempDir
    Path dataDir;

    private LocalStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void kafkaMongoAndMailWorkAndKeepTheirDataAcrossARestart() throws Exception {
        LocalStackConfig config = LocalStackConfig.defaults(LocalStackConfig.findRepositoryRoot(Path.of("")))
                .withDataDir(dataDir)
                .withPorts(TestPorts.block(20))
                .withServices(Set.of())
                .withStartupTimeout(Duration.ofSeconds(120));
        Ports ports = config.ports();

        stack = LocalStack.start(config);
        log.info("infrastructure started in {} ms; resident memory {}", stack.startupTime().toMillis(),
                stack.residentMemory());

        // Kafka: a topic, one record with a header, consumed by a group that commits its offset
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(ports)))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = producer(ports)) {
            ProducerRecord<String, String> record = new ProducerRecord<>(TOPIC, "key-1", "{\"hello\":\"kafka\"}");
            record.headers().add("ce_type", "test.Hello.v1".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
        try (KafkaConsumer<String, String> consumer = consumer(ports, "infra-test")) {
            consumer.subscribe(List.of(TOPIC));
            List<ConsumerRecord<String, String>> records = poll(consumer, 1);
            assertThat(records).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("key-1");
                assertThat(record.value()).isEqualTo("{\"hello\":\"kafka\"}");
                assertThat(new String(record.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                        .isEqualTo("test.Hello.v1");
            });
            consumer.commitSync();
        }

        // Mongo: a document written and read back through the wire protocol
        try (MongoClient mongo = MongoClients.create("mongodb://127.0.0.1:" + ports.mongo())) {
            MongoCollection<Document> collection = mongo.getDatabase("roster-test").getCollection("things");
            collection.insertOne(new Document("_id", "thing-1").append("name", "Acme"));
            assertThat(collection.find(new Document("_id", "thing-1")).first()).containsEntry("name", "Acme");
        }

        // Mail: SMTP in, IMAP out (user = password = the address), and the inbox page
        sendMail(ports, "ann@example.com", "First <b>mail</b>", "plain text with a link http://127.0.0.1:8082/invite/abc?x=1&y=2",
                "<p>Hello <script>alert('x')</script><a href=\"http://127.0.0.1:8082/invite/abc\">accept</a></p>");
        sendMail(ports, "bob@example.com", "Second mail", "for bob", null);
        org.awaitility.Awaitility.await("mail delivered").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(Mailbox.subjects(ports, "ann@example.com")).containsExactly("First <b>mail</b>");
            assertThat(Mailbox.subjects(ports, "bob@example.com")).containsExactly("Second mail");
        });
        assertThat(Mailbox.subjects(ports, "nobody-" + System.nanoTime() + "@example.org"))
                .as("any address logs in, even one that never received mail").isEmpty();

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> inbox = get(http, "http://127.0.0.1:" + ports.inbox() + "/");
        assertThat(inbox.statusCode()).isEqualTo(200);
        assertThat(inbox.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("default-src 'none'"));
        assertThat(inbox.body())
                .contains("First &lt;b&gt;mail&lt;/b&gt;")
                .doesNotContain("<b>mail</b>")
                .contains("ann@example.com", "bob@example.com", "sender@roster.test");
        assertThat(inbox.body().indexOf("Second mail"))
                .as("newest first").isLessThan(inbox.body().indexOf("First &lt;b&gt;"));

        Matcher link = Pattern.compile("href=\"(/messages/[^\"]+)\">First").matcher(inbox.body());
        assertThat(link.find()).as("a link to the first message").isTrue();
        HttpResponse<String> message = get(http, "http://127.0.0.1:" + ports.inbox() + link.group(1));
        assertThat(message.statusCode()).isEqualTo(200);
        assertThat(message.body())
                .contains("plain text with a link http://127.0.0.1:8082/invite/abc?x=1&amp;y=2")
                .contains("<iframe sandbox=\"allow-popups allow-popups-to-escape-sandbox\"")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .doesNotContain("<script")
                .contains("<a href=\"http://127.0.0.1:8082/invite/abc\" target=\"_blank\" rel=\"noopener noreferrer\">");
        assertThat(get(http, "http://127.0.0.1:" + ports.inbox() + link.group(1) + "/raw").body())
                .contains("Subject: First");
        assertThat(get(http, "http://127.0.0.1:" + ports.inbox() + "/messages/ann%40example.com/999").statusCode())
                .isEqualTo(404);

        // Stop: nothing left behind, every port free again
        List<ProcessHandle> processes = stack.processTree();
        stack.close();
        assertThat(processes).isNotEmpty().noneMatch(ProcessHandle::isAlive);
        for (int port : List.of(ports.kafka(), ports.kafkaController(), ports.mongo(), ports.smtp(), ports.imap(),
                ports.inbox())) {
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                assertThat(socket.isBound()).isTrue();
            }
        }

        // Restart on the same data folder: the record, the group's offset and the document are still there
        stack = LocalStack.start(config);
        log.info("infrastructure restarted in {} ms", stack.startupTime().toMillis());
        try (KafkaConsumer<String, String> consumer = consumer(ports, "infra-test")) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(partition));
            assertThat(committed.get(partition)).isNotNull().extracting(OffsetAndMetadata::offset).isEqualTo(1L);
        }
        try (KafkaConsumer<String, String> consumer = consumer(ports, "infra-test-replay")) {
            consumer.subscribe(List.of(TOPIC));
            assertThat(poll(consumer, 1)).extracting(ConsumerRecord::value).containsExactly("{\"hello\":\"kafka\"}");
        }
        try (MongoClient mongo = MongoClients.create("mongodb://127.0.0.1:" + ports.mongo())) {
            assertThat(mongo.getDatabase("roster-test").getCollection("things")
                    .find(new Document("_id", "thing-1")).first()).containsEntry("name", "Acme");
        }
    }

    @Test
    void aSecondStackOnTheSamePortsIsRefusedWithAClearMessage() throws Exception {
        LocalStackConfig config = LocalStackConfig.defaults(LocalStackConfig.findRepositoryRoot(Path.of("")))
                .withDataDir(dataDir.resolve("first"))
                .withPorts(TestPorts.block(21))
                .withServices(Set.of());
        stack = LocalStack.start(config);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> LocalStack.start(config.withDataDir(dataDir.resolve("second"))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("already in use")
                .hasMessageContaining(config.ports().kafka() + " (Kafka)");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> LocalStack.start(config.withPorts(TestPorts.block(22))))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("is in use by another local stack");
        assertThat(stack.childProcesses().values()).allMatch(ProcessHandle::isAlive);
    }

    private static String bootstrap(Ports ports) {
        return "127.0.0.1:" + ports.kafka();
    }

    private static KafkaProducer<String, String> producer(Ports ports) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(ports),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(Ports ports, String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(ports),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer());
    }

    private static List<ConsumerRecord<String, String>> poll(KafkaConsumer<String, String> consumer, int expected) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        org.awaitility.Awaitility.await("records on " + TOPIC).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ZERO).until(() -> {
                    consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                    return records.size() >= expected;
                });
        return records;
    }

    static void sendMail(Ports ports, String to, String subject, String text, String html) throws Exception {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", Integer.toString(ports.smtp()));
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("sender@roster.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(to));
        message.setSubject(subject, "UTF-8");
        if (html == null) {
            message.setText(text, "UTF-8");
        } else {
            MimeBodyPart textPart = new MimeBodyPart();
            textPart.setText(text, "UTF-8");
            MimeBodyPart htmlPart = new MimeBodyPart();
            htmlPart.setText(html, "UTF-8", "html");
            message.setContent(new MimeMultipart("alternative", textPart, htmlPart));
        }
        Transport.send(message);
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}

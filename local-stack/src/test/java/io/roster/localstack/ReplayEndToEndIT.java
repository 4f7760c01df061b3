package io.roster.localstack;

import static io.roster.localstack.StackHttp.describe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays across processes (issue 6): the whole suite on ports of its own, with emails sent; the identity event
 * store is published to Kafka again, every consumer absorbs the copies (no projection of the query service
 * changes, no email is sent again); then the query service rebuilds its projections from the topics through its
 * admin endpoint and the members list stays the same. Driven over HTTP, Kafka, the Mongo-wire server (to read the
 * query database as it is) and the inbox page only.
 *
 * <p>The data folder is {@code local-stack/target/replay-e2e-data}: wiped at the start, kept afterwards for its logs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayEndToEndIT {

    private static final Logger log = LoggerFactory.getLogger(ReplayEndToEndIT.class);
    private static final Ports PORTS = TestPorts.block(15);
    private static final String IDENTITY = "http://127.0.0.1:" + PORTS.identity();
    private static final String INVITATION = "http://127.0.0.1:" + PORTS.invitation();
    private static final String QUERY = "http://127.0.0.1:" + PORTS.query();
    private static final String INBOX = "http://127.0.0.1:" + PORTS.inbox() + "/";
    private static final String IDENTITY_TOPIC = "roster.identity.v1";
    private static final List<String> EVENT_TOPICS = List.of(IDENTITY_TOPIC, "roster.invitation.v1", "roster.notification.v1");
    /**
     * The query service's consumer group; the notification and invitation services' groups are found by their
     * commits (the notification service's is named after its listener, the invitation directory's carries a version).
     */
    private static final List<String> IDENTITY_READERS = List.of("query-service-v1");
    /** The query, notification and invitation services read the identity topic, each in its own group. */
    private static final int GROUPS_READING_IDENTITY = 3;
    private static final List<String> RECIPIENTS = List.of("ann.replay@example.io", "bob.replay@example.io",
            "cara.replay@example.io", "dora.replay@example.io", "admin@roster.local");
    private static final String DORA = "dora.replay@example.io";
    private static final Pattern MESSAGE_COUNT = Pattern.compile("(\\d+) messages?, newest first");

    private final StackHttp http = new StackHttp();
    @AutoClose
    private RunningStack stack;
    @AutoClose
    private MongoClient mongo;
    private String token;

    @BeforeAll
    void startTheStack() throws IOException {
        stack = RunningStack.start(RunningStack.onWipedDataFolder("replay-e2e-data", PORTS));
        mongo = MongoClients.create("mongodb://127.0.0.1:" + PORTS.mongo());
    }

    @Test
    void republishedEventsChangeNoProjectionAndSendNoEmailAndARebuildKeepsTheMembers() throws Exception {
        token = http.login(IDENTITY, "admin@roster.local", "roster-admin");
        String organization = http.created(http.post(IDENTITY + "/api/v1/organizations", token, "{\"name\":\"Replay Co\"}"), "organizationId");
        String team = http.created(http.post(IDENTITY + "/api/v1/organizations/" + organization + "/teams", token, "{\"name\":\"Core\"}"), "teamId");
        String ann = createUser("Ann", "ann.replay@example.io",
                ",\"memberships\":[{\"organizationId\":\"" + organization + "\",\"roles\":[\"member\"],\"teamIds\":[\"" + team + "\"]}]");
        String bob = createUser("Bob", "bob.replay@example.io",
                ",\"memberships\":[{\"organizationId\":\"" + organization + "\",\"roles\":[\"billing-manager\"]}]");
        String cara = createUser("Cara", "cara.replay@example.io", "");
        String members = IDENTITY + "/api/v1/organizations/" + organization + "/members";
        assertThat(http.post(members, token, "{\"userId\":\"" + cara + "\",\"roles\":[\"member\"]}").statusCode()).isEqualTo(201);
        assertThat(http.put(members + "/" + ann + "/roles", token, "{\"roles\":[\"admin\"]}").statusCode()).isEqualTo(200);
        assertThat(http.delete(members + "/" + bob, token).statusCode()).isEqualTo(200);
        // the invitation service knows the organization and its admin once it read identity's events
        HttpResponse<String> invited = await("the invitation service accepts the invitation").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> http.post(INVITATION + "/api/v1/organizations/" + organization + "/invitations", token,
                        "{\"emails\":[\"" + DORA + "\"],\"roles\":[\"member\"],\"teamIds\":[\"" + team + "\"]}"),
                        response -> response.statusCode() == 201);
        assertThat(http.body(invited).path("invitations")).hasSize(1);

        // Dora's invitation, and whatever the identity events call for (welcomes, Bob's removal notice)
        await("Dora's invitation arrived").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> Mailbox.subjects(PORTS, DORA), subjects -> subjects.size() == 1);
        awaitConsumersCaughtUp(IDENTITY_READERS, EVENT_TOPICS);
        int[] settled = {inboxCount()};
        await("no more emails on their way").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .during(Duration.ofSeconds(3)).until(() -> {
                    int now = inboxCount();
                    boolean same = now == settled[0];
                    settled[0] = now;
                    return same;
                });
        int emailsBefore = inboxCount();
        Map<String, List<String>> mailboxesBefore = mailboxes();
        log.info("emails before the republish: {}", mailboxesBefore);
        assertThat(mailboxesBefore.values().stream().mapToInt(List::size).sum())
                .as("the inbox counts the mailboxes' emails").isEqualTo(emailsBefore);
        Map<String, String> projectionsBefore = projectionHashes();
        Map<String, List<Long>> recordsBefore = identityRecords();
        log.info("before the republish: {} emails, {} identity events, projections {}", emailsBefore, recordsBefore.size(),
                projectionsBefore.keySet());
        assertThat(projectionsBefore).containsKeys("members-v1", "organizations-v1", "invitations-v1");
        assertThat(recordsBefore.values()).as("each identity event once on the topic").allMatch(sequences -> sequences.size() == 1);

        HttpResponse<String> republish = http.post(IDENTITY + "/api/v1/admin/republish", token, "");
        assertThat(republish.statusCode()).as(describe(republish)).isEqualTo(202);
        await("the relay published every stored event again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode status = http.body(http.get(IDENTITY + "/api/v1/admin/republish", token));
                    assertThat(status.path("state").asText()).as(status.toString()).isEqualTo("caught-up");
                    Map<String, List<Long>> records = identityRecords();
                    recordsBefore.forEach((eventId, sequences) -> assertThat(records.get(eventId))
                            .as("event %s published again with its aggregate sequence", eventId)
                            .containsExactly(sequences.get(0), sequences.get(0)));
                });
        awaitConsumersCaughtUp(IDENTITY_READERS, List.of(IDENTITY_TOPIC));
        assertThat(await("no email sent again").atMost(Duration.ofSeconds(30)).during(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(500)).until(this::inboxCount, count -> count == emailsBefore))
                .isEqualTo(emailsBefore);
        assertThat(mailboxes()).as("nobody got an email twice").isEqualTo(mailboxesBefore);
        assertThat(projectionHashes()).as("every projection of the query service, after the republish")
                .isEqualTo(projectionsBefore);

        // the rebuild: the query service replays the topics into version 2 and switches to it
        String membersList = QUERY + "/api/v1/organizations/" + organization + "/members?limit=200";
        HttpResponse<String> listBefore = http.get(membersList, token);
        assertThat(listBefore.statusCode()).as(describe(listBefore)).isEqualTo(200);
        assertThat(http.body(listBefore).path("items")).hasSize(4); // admin, Ann, Cara, Dora (pending)
        HttpResponse<String> rebuild = http.post(QUERY + "/api/v1/admin/projections/rebuild", token, "");
        assertThat(rebuild.statusCode()).as(describe(rebuild)).isEqualTo(202);
        String job = http.body(rebuild).path("jobId").asText();
        JsonNode finished = await("the rebuild").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> http.body(http.get(QUERY + "/api/v1/admin/projections/rebuild/" + job, token)),
                        status -> List.of("completed", "failed").contains(status.path("state").asText()));
        log.info("rebuild: {}", finished);
        assertThat(finished.path("state").asText()).as(finished.toString()).isEqualTo("completed");
        assertThat(finished.path("version").asInt()).isEqualTo(2);
        HttpResponse<String> listAfter = http.get(membersList, token);
        assertThat(listAfter.statusCode()).as(describe(listAfter)).isEqualTo(200);
        assertThat(http.body(listAfter)).isEqualTo(http.body(listBefore));
        Map<String, String> rebuilt = new TreeMap<>();
        projectionHashes().forEach((name, hash) -> rebuilt.put(name.replace("-v2", "-v1"), hash));
        assertThat(rebuilt).as("every projection rebuilt into version 2 as it was in version 1").isEqualTo(projectionsBefore);
        assertThat(inboxCount()).as("a rebuild sends nothing").isEqualTo(emailsBefore);
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * SHA-256 of each query-service collection that holds read-model rows (not the applied-sequences bookkeeping,
     * the version and rebuild records, or remembered idempotent requests): its documents sorted by id, each with
     * its fields in name order.
     */
    private Map<String, String> projectionHashes() throws Exception {
        MongoDatabase database = mongo.getDatabase(RosterService.QUERY.database());
        Map<String, String> hashes = new TreeMap<>();
        for (String name : database.listCollectionNames()) {
            if (name.startsWith("applied-sequences") || name.startsWith("projection-") || name.startsWith("idempotency")) {
                continue;
            }
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Document document : database.getCollection(name).find().sort(Sorts.ascending("_id"))) {
                sha.update(canonical(document).toString().getBytes(StandardCharsets.UTF_8));
            }
            hashes.put(name, HexFormat.of().formatHex(sha.digest()));
        }
        return hashes;
    }

    private static Object canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, nested) -> sorted.put(key.toString(), canonical(nested)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ReplayEndToEndIT::canonical).toList();
        }
        return value;
    }

    /** Every record of the identity topic: event id ({@code ce_id}) to the aggregate sequences it was published with. */
    private Map<String, List<Long>> identityRecords() {
        Map<String, List<Long>> records = new HashMap<>();
        for (ConsumerRecord<String, String> record : TopicRecords.all(PORTS, IDENTITY_TOPIC)) {
            records.computeIfAbsent(TopicRecords.header(record, "ce_id"), id -> new ArrayList<>())
                    .add(Long.parseLong(TopicRecords.header(record, "ce_aggregatesequence")));
        }
        return records;
    }

    /**
     * Waits until every consumer group reading the topics committed every record of them (its lag is 0): the
     * named groups, and any other that committed an offset on one of the topics (the invitation service's
     * directory group carries a version of its own). A group counts as reading the topics it committed on.
     */
    private void awaitConsumersCaughtUp(List<String> requiredGroups, List<String> topics) {
        await("consumers " + requiredGroups + " and the others caught up on " + topics).atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + PORTS.kafka()));
                         KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                                 Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + PORTS.kafka()),
                                 new StringDeserializer(), new ByteArrayDeserializer())) {
                        List<TopicPartition> partitions = new ArrayList<>();
                        topics.forEach(topic -> consumer.partitionsFor(topic, Duration.ofSeconds(10))
                                .forEach(info -> partitions.add(new TopicPartition(topic, info.partition()))));
                        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                        Set<String> groups = new TreeSet<>(requiredGroups);
                        admin.listConsumerGroups().all().get().forEach(listing -> groups.add(listing.groupId()));
                        Set<String> identityReaders = new TreeSet<>();
                        for (String group : groups) {
                            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                                    .partitionsToOffsetAndMetadata().get();
                            Set<String> read = new TreeSet<>();
                            committed.keySet().forEach(partition -> read.add(partition.topic()));
                            if (read.contains(IDENTITY_TOPIC)) {
                                identityReaders.add(group);
                            }
                            if (requiredGroups.contains(group)) {
                                assertThat(read).as("%s committed on %s", group, topics).containsAnyElementsOf(topics);
                            }
                            end.forEach((partition, last) -> {
                                if (read.contains(partition.topic())) {
                                    OffsetAndMetadata offset = committed.get(partition);
                                    assertThat(offset == null ? 0 : offset.offset()).as("%s on %s", group, partition).isEqualTo(last);
                                }
                            });
                        }
                        assertThat(identityReaders).as("groups reading " + IDENTITY_TOPIC).hasSizeGreaterThanOrEqualTo(GROUPS_READING_IDENTITY);
                    }
                });
    }

    /** The subjects in each mailbox of the scenario's people, over IMAP. */
    private Map<String, List<String>> mailboxes() throws Exception {
        Map<String, List<String>> subjects = new TreeMap<>();
        for (String address : RECIPIENTS) {
            subjects.put(address, Mailbox.subjects(PORTS, address));
        }
        return subjects;
    }

    private int inboxCount() throws Exception {
        HttpResponse<String> inbox = http.page(INBOX);
        Matcher count = MESSAGE_COUNT.matcher(inbox.body());
        if (!count.find()) {
            throw new AssertionError("no message count on the inbox page: " + inbox.body());
        }
        return Integer.parseInt(count.group(1));
    }

    private String createUser(String firstName, String email, String memberships) throws Exception {
        return http.created(http.post(IDENTITY + "/api/v1/users", token, "{\"firstName\":\"" + firstName + "\",\"lastName\":\"Replay\",\"email\":\""
                + email + "\",\"password\":\"correct horse battery\"" + memberships + "}"), "userId");
    }
}

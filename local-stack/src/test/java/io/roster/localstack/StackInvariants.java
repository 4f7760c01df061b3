package io.roster.localstack;

import static io.roster.localstack.StackHttp.describe;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
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

/**
 * The promises a whole stack keeps whatever happened to it (issue 13's I1–I5, as far as a test outside the
 * processes can see them), checked through Kafka, the query service's admin API, the Mongo-wire server and IMAP:
 * no record dead-lettered, consumers caught up, every projection equal to a rebuild from the topics, every accepted
 * invitation's member listed, every triggered email received exactly once. Each check answers what it found (so a
 * test can report figures) rather than asserting.
 */
final class StackInvariants {

    static final List<String> EVENT_TOPICS = List.of("roster.identity.v1", "roster.invitation.v1", "roster.notification.v1");
    private static final Pattern VERSIONED = Pattern.compile("(.+)-v(\\d+)");

    private final Ports ports;
    private final StackHttp http;
    private final MongoClient mongo;
    private final String query;

    /** {@code mongo} must reach the Mongo-wire server itself, not through a fault. */
    StackInvariants(Ports ports, StackHttp http, MongoClient mongo) {
        this.ports = ports;
        this.http = http;
        this.mongo = mongo;
        this.query = "http://127.0.0.1:" + ports.query();
    }

    // --- dead letters ------------------------------------------------------------------------------------------

    /** Every {@code *.DLT} topic that exists, with the number of records on it (0 included). */
    Map<String, Long> deadLetterCounts() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Admin admin = admin(); KafkaConsumer<String, byte[]> consumer = consumer()) {
            for (String topic : admin.listTopics().names().get()) {
                if (!topic.endsWith(".DLT")) {
                    continue;
                }
                List<TopicPartition> partitions = partitionsOf(consumer, topic);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
                counts.put(topic, partitions.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum());
            }
        }
        return counts;
    }

    /** Up to {@code max} dead letters as "topic: ce_type ce_aggregateid #sequence: reason", for a report. */
    List<String> deadLetterSamples(int max) throws Exception {
        List<String> samples = new ArrayList<>();
        for (Map.Entry<String, Long> topic : deadLetterCounts().entrySet()) {
            if (topic.getValue() == 0) {
                continue;
            }
            for (ConsumerRecord<String, String> record : TopicRecords.all(ports, topic.getKey())) {
                if (samples.size() >= max) {
                    return samples;
                }
                samples.add(topic.getKey() + ": " + TopicRecords.header(record, "ce_type") + " "
                        + TopicRecords.header(record, "ce_aggregateid") + " #" + TopicRecords.header(record, "ce_aggregatesequence")
                        + ": " + TopicRecords.header(record, "kafka_dlt-exception-message"));
            }
        }
        return samples;
    }

    // --- consumers ---------------------------------------------------------------------------------------------

    /**
     * What every consumer group still has to commit on the event topics: "group topic-partition" → records behind,
     * only the partitions behind (a group counts for the topics it committed on). Empty when all caught up.
     */
    Map<String, Long> consumerLag() throws Exception {
        Map<String, Long> lag = new TreeMap<>();
        try (Admin admin = admin(); KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            EVENT_TOPICS.forEach(topic -> partitions.addAll(partitionsOf(consumer, topic)));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            for (var group : admin.listConsumerGroups().all().get()) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get();
                Set<String> read = new TreeSet<>();
                committed.keySet().forEach(partition -> read.add(partition.topic()));
                end.forEach((partition, last) -> {
                    if (read.contains(partition.topic())) {
                        OffsetAndMetadata offset = committed.get(partition);
                        long behind = last - (offset == null ? 0 : offset.offset());
                        if (behind > 0) {
                            lag.put(group.groupId() + " " + partition, behind);
                        }
                    }
                });
            }
        }
        return lag;
    }

    /** Waits (at most {@code atMost}) until no group is behind; answers what is still behind then (empty: caught up). */
    Map<String, Long> awaitConsumersCaughtUp(Duration atMost) {
        @SuppressWarnings("unchecked")
        Map<String, Long>[] last = new Map[] {Map.of("(not asked yet)", -1L)};
        try {
            await("every consumer group caught up on " + EVENT_TOPICS).atMost(atMost).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> {
                        last[0] = consumerLag();
                        return last[0].isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // answered below: the caller reports what is behind
        }
        return last[0];
    }

    // --- projections -------------------------------------------------------------------------------------------

    /**
     * The query projections before and after a rebuild from the topics (read model → its rows, id → the row in
     * canonical form), and what differs.
     */
    record ProjectionCheck(JsonNode rebuild, Map<String, Map<String, String>> live, Map<String, Map<String, String>> rebuilt) {
        /** Read models whose rows differ (or exist on one side only). */
        List<String> differences() {
            Set<String> names = new TreeSet<>(live.keySet());
            names.addAll(rebuilt.keySet());
            return names.stream().filter(name -> !String.valueOf(live.get(name)).equals(String.valueOf(rebuilt.get(name)))).toList();
        }

        /** Read model → "rows, hash" of the live version. */
        Map<String, String> liveSummary() {
            return summary(live);
        }

        Map<String, String> rebuiltSummary() {
            return summary(rebuilt);
        }

        /** Up to {@code max} differing rows per read model: "id: live=… rebuilt=…". */
        Map<String, List<String>> differingRows(int max) {
            Map<String, List<String>> rows = new TreeMap<>();
            for (String name : differences()) {
                Map<String, String> before = live.getOrDefault(name, Map.of());
                Map<String, String> after = rebuilt.getOrDefault(name, Map.of());
                Set<String> ids = new TreeSet<>(before.keySet());
                ids.addAll(after.keySet());
                rows.put(name, ids.stream().filter(id -> !String.valueOf(before.get(id)).equals(String.valueOf(after.get(id))))
                        .limit(max).map(id -> id + ": live=" + before.get(id) + " rebuilt=" + after.get(id)).toList());
            }
            return rows;
        }

        private static Map<String, String> summary(Map<String, Map<String, String>> models) {
            Map<String, String> summary = new TreeMap<>();
            models.forEach((name, rows) -> summary.put(name, rows.size() + " rows " + sha256(String.join("\n", rows.values())).substring(0, 16)));
            return summary;
        }
    }

    /**
     * Hashes every read model of the query service, has it rebuild them from the topics (its admin endpoint, a
     * provider admin's token), and hashes the rebuilt version. Call it with nothing arriving any more and the
     * consumers caught up: the rebuild then has the same events as the live projections had.
     */
    ProjectionCheck projectionsAgainstRebuild(String providerAdminToken) throws Exception {
        Map<Integer, Map<String, Map<String, String>>> before = projectionsByVersion();
        HttpResponse<String> started = http.post(query + "/api/v1/admin/projections/rebuild", providerAdminToken, "");
        if (started.statusCode() != 202) {
            throw new AssertionError("the rebuild did not start: " + describe(started));
        }
        String job = http.body(started).path("jobId").asText();
        JsonNode finished = await("the rebuild " + job).atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> http.body(http.get(query + "/api/v1/admin/projections/rebuild/" + job, providerAdminToken)),
                        status -> List.of("completed", "failed").contains(status.path("state").asText()));
        Map<Integer, Map<String, Map<String, String>>> after = projectionsByVersion();
        return new ProjectionCheck(finished,
                before.getOrDefault(finished.path("previousVersion").asInt(), Map.of()),
                after.getOrDefault(finished.path("version").asInt(), Map.of()));
    }

    /**
     * Every versioned read-model collection of the query service (not the applied-sequences bookkeeping, the consumer
     * runtime's own state, the token revocations, the version and rebuild records, or remembered idempotent requests), by version, then by read-model name: its documents by
     * id, each in canonical form (fields in name order, arrays sorted).
     */
    Map<Integer, Map<String, Map<String, String>>> projectionsByVersion() {
        MongoDatabase database = mongo.getDatabase(RosterService.QUERY.database());
        Map<Integer, Map<String, Map<String, String>>> versions = new TreeMap<>();
        for (String name : database.listCollectionNames()) {
            Matcher versioned = VERSIONED.matcher(name);
            if (!versioned.matches() || name.startsWith("applied-sequences") || name.startsWith("projection-")
                    || name.startsWith("idempotency") || name.startsWith("consumer-")
                    // the token-revocation consumer's state: every service keeps it, no rebuild of the projections does
                    || name.startsWith("token-revocations") || name.startsWith("rate-limit")) {
                continue;
            }
            Map<String, String> rows = new TreeMap<>();
            for (Document document : database.getCollection(name).find().sort(Sorts.ascending("_id"))) {
                rows.put(String.valueOf(document.get("_id")), canonical(document).toString());
            }
            versions.computeIfAbsent(Integer.parseInt(versioned.group(2)), v -> new TreeMap<>()).put(versioned.group(1), rows);
        }
        return versions;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- the relay (I2) ----------------------------------------------------------------------------------------

    /**
     * The events in a command service's event store (Axon's {@code domainevents} in its database) that are not on its
     * topic, as "type aggregate #sequence at timestamp" (issue 13's I2).
     */
    List<String> storedEventsNotOnTopic(RosterService service, String topic) {
        // the relay publishes the payload's eventId as ce_id, not Axon's message id: events are matched by aggregate and sequence
        Set<String> published = new HashSet<>();
        TopicRecords.all(ports, topic).forEach(record -> published.add(TopicRecords.header(record, "ce_aggregateid") + "#"
                + TopicRecords.header(record, "ce_aggregatesequence")));
        List<String> missing = new ArrayList<>();
        for (Document event : mongo.getDatabase(service.database()).getCollection("domainevents").find()
                .sort(Sorts.ascending("timestamp"))) {
            if (!published.contains(event.get("aggregateIdentifier") + "#" + event.get("sequenceNumber"))) {
                String type = String.valueOf(event.get("payloadType"));
                missing.add(type.substring(type.lastIndexOf('.') + 1) + " " + event.get("aggregateIdentifier") + " #"
                        + event.get("sequenceNumber") + " at " + event.get("timestamp"));
            }
        }
        return missing;
    }

    /**
     * I2 for both command services, given the relay up to {@code atMost} to send what it still holds: the stored events
     * still not on their topic then (empty when all are).
     */
    List<String> awaitStoredEventsOnTopics(Duration atMost) {
        List<String> missing = new ArrayList<>();
        try {
            await("every stored event on its topic").atMost(atMost).pollInterval(Duration.ofSeconds(1)).until(() -> {
                missing.clear();
                missing.addAll(storedEventsNotOnTopic(RosterService.IDENTITY, "roster.identity.v1"));
                missing.addAll(storedEventsNotOnTopic(RosterService.INVITATION, "roster.invitation.v1"));
                return missing.isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // reported by the caller with the rest of its checks
        }
        return missing;
    }

    // --- acknowledged commands (I1) -----------------------------------------------------------------------------

    /**
     * The aggregates a client was told exist (a 2xx answered their id: an organization, a user, an invitation) that
     * have no event in the service's event store, as "id" (issue 13's I1: an acknowledged command is stored).
     */
    List<String> acknowledgedWithoutEvents(RosterService service, Collection<String> aggregateIds) {
        Set<String> stored = new HashSet<>();
        mongo.getDatabase(service.database()).getCollection("domainevents")
                .find(com.mongodb.client.model.Filters.in("aggregateIdentifier", aggregateIds))
                .projection(new Document("aggregateIdentifier", 1))
                .forEach(event -> stored.add(String.valueOf(event.get("aggregateIdentifier"))));
        return aggregateIds.stream().filter(id -> !stored.contains(id)).sorted().toList();
    }

    /**
     * A command a client got a 2xx for, and the event it must have stored: of {@code eventType} (simple name), on
     * {@code aggregateId} (null: any aggregate), whose payload's {@code field} is {@code value}.
     */
    record Acknowledged(String command, String eventType, String aggregateId, String field, String value) {
    }

    /** One stored event of a command service: its aggregate, sequence, type (simple name) and payload. */
    record StoredEvent(String aggregateId, long sequence, String type, JsonNode payload) {
    }

    /**
     * I1 by content: the acknowledged commands whose event is not in the service's event store, as "command (no type
     * with field=value)". Finer than {@link #acknowledgedWithoutEvents}: a removal or a join stores an event on an
     * aggregate that already existed.
     */
    List<String> acknowledgedWithoutEvent(RosterService service, List<Acknowledged> acknowledged) {
        Set<String> stored = new HashSet<>();
        acknowledged.stream().map(Acknowledged::eventType).distinct().forEach(type -> storedEvents(service, type).forEach(event ->
                event.payload().fieldNames().forEachRemaining(field -> {
                    String value = event.payload().path(field).asText();
                    stored.add(event.type() + " " + event.aggregateId() + " " + field + "=" + value);
                    stored.add(event.type() + " * " + field + "=" + value);
                })));
        return acknowledged.stream()
                .filter(command -> !stored.contains(command.eventType() + " "
                        + (command.aggregateId() == null ? "*" : command.aggregateId()) + " " + command.field() + "=" + command.value()))
                .map(command -> command.command() + " (no " + command.eventType() + " with " + command.field() + "=" + command.value() + ")")
                .toList();
    }

    /** The service's stored events of one type (its simple name; null: every type), read from its event store. */
    List<StoredEvent> storedEvents(RosterService service, String type) {
        List<StoredEvent> events = new ArrayList<>();
        var query = mongo.getDatabase(service.database()).getCollection("domainevents")
                .find(type == null ? new Document() : com.mongodb.client.model.Filters.regex("payloadType", "\\." + type + "$"))
                .projection(new Document("aggregateIdentifier", 1).append("sequenceNumber", 1).append("payloadType", 1)
                        .append("serializedPayload", 1));
        for (Document event : query) {
            String payloadType = event.getString("payloadType");
            Object payload = event.get("serializedPayload");
            String json = payload instanceof org.bson.types.Binary binary
                    ? new String(binary.getData(), StandardCharsets.UTF_8) : String.valueOf(payload);
            events.add(new StoredEvent(event.getString("aggregateIdentifier"), ((Number) event.get("sequenceNumber")).longValue(),
                    payloadType.substring(payloadType.lastIndexOf('.') + 1), http.readTree(json)));
        }
        return events;
    }

    private static Object canonical(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> sorted = new TreeMap<>();
            map.forEach((key, nested) -> sorted.put(key.toString(), canonical(nested)));
            return sorted;
        }
        if (value instanceof List<?> list) {
            // the read models keep sets as arrays (memberRows, ...): their order follows the order events came in,
            // which a rebuild (topics merged by timestamp) need not repeat
            return list.stream().map(StackInvariants::canonical).sorted(java.util.Comparator.comparing(String::valueOf)).toList();
        }
        return value;
    }

    // --- members -----------------------------------------------------------------------------------------------

    /**
     * The accepted invitees (organization id → addresses) the query API does not list as active members of their
     * organization, as "organization address".
     */
    List<String> acceptedWithoutMember(String token, Map<String, Set<String>> acceptedByOrganization) throws Exception {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Set<String>> organization : acceptedByOrganization.entrySet()) {
            HttpResponse<String> response = http.get(query + "/api/v1/organizations/" + organization.getKey()
                    + "/members?limit=200&status=active", token);
            Set<String> active = new TreeSet<>();
            if (response.statusCode() == 200) {
                http.body(response).path("items").forEach(item -> active.add(item.path("email").asText()));
            }
            organization.getValue().stream().filter(email -> !active.contains(email))
                    .forEach(email -> missing.add(organization.getKey() + " " + email));
        }
        return missing;
    }

    // --- emails ------------------------------------------------------------------------------------------------

    /** An email a triggering event calls for: its notification id (the header every email carries) and recipient. */
    record TriggeredEmail(String notificationId, String eventId, String kind, String recipient) {
    }

    /** The triggered emails against the inboxes. */
    record EmailCheck(List<TriggeredEmail> expected, int received, List<TriggeredEmail> missing,
                      Map<String, Integer> duplicated, List<String> unexpected) {
        boolean exactlyOnce() {
            return missing.isEmpty() && duplicated.isEmpty() && unexpected.isEmpty();
        }

        Map<String, Long> expectedByKind() {
            Map<String, Long> kinds = new TreeMap<>();
            expected.forEach(email -> kinds.merge(email.kind(), 1L, Long::sum));
            return kinds;
        }

        @Override
        public String toString() {
            return "expected " + expected.size() + " " + expectedByKind() + ", received " + received + ", missing "
                    + missing.size() + (missing.isEmpty() ? "" : " e.g. " + missing.subList(0, Math.min(5, missing.size())))
                    + ", duplicated " + duplicated.size() + (duplicated.isEmpty() ? "" : " " + duplicated)
                    + ", unexpected " + unexpected.size() + (unexpected.isEmpty() ? "" : " " + unexpected);
        }
    }

    /**
     * The emails the events on the topics call for (the notification service's rules: an invitation or its resend
     * to the invitee, an account set-up or a verification to the user, a welcome to a new member unless they
     * created the organization, a removal notice when an admin removed them), to recipients {@code recipients}
     * accepts.
     */
    List<TriggeredEmail> triggeredEmails(Predicate<String> recipients) {
        Map<String, String> emailOfUser = new HashMap<>();
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        for (String topic : List.of("roster.identity.v1", "roster.invitation.v1")) {
            records.addAll(TopicRecords.all(ports, topic));
        }
        for (ConsumerRecord<String, String> record : records) {
            if ("UserRegistered".equals(typeName(record))) {
                JsonNode event = http.readTree(record.value());
                emailOfUser.put(event.path("userId").asText(), event.path("email").asText());
            }
        }
        Map<String, TriggeredEmail> emails = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            JsonNode event = http.readTree(record.value());
            String kind = switch (typeName(record)) {
                case "InvitationIssued" -> "INVITATION";
                case "InvitationResent" -> "INVITATION_RESENT";
                case "InvitationReminderSent" -> "INVITATION_REMINDER";
                case "AccountSetupRequested" -> "ACCOUNT_SETUP";
                case "EmailVerificationRequested" -> "EMAIL_VERIFICATION";
                case "MemberAdded" -> "direct".equals(event.path("via").asText())
                        && event.path("userId").asText().equals(event.path("actorId").asText()) ? null : "WELCOME";
                case "MemberRemoved" -> event.path("reason").isMissingNode() || event.path("reason").isNull()
                        || "removed".equals(event.path("reason").asText()) ? "MEMBER_REMOVED" : null;
                default -> null;
            };
            if (kind == null) {
                continue;
            }
            String recipient = event.hasNonNull("email") ? event.path("email").asText()
                    : emailOfUser.get(event.path("userId").asText());
            if (recipient == null || !recipients.test(recipient)) {
                continue;
            }
            String eventId = TopicRecords.header(record, "ce_id");
            String notificationId = UUID.nameUUIDFromBytes(("roster-notification:" + eventId).getBytes(StandardCharsets.UTF_8)).toString();
            // a republished event is the same event: one email
            emails.putIfAbsent(eventId, new TriggeredEmail(notificationId, eventId, kind, recipient));
        }
        return List.copyOf(emails.values());
    }

    /**
     * Reads the inbox of every recipient (and of {@code otherAddresses}) over IMAP and compares: each triggered
     * email once in its recipient's inbox, none twice, none without a trigger.
     */
    EmailCheck emailsExactlyOnce(List<TriggeredEmail> expected, Collection<String> otherAddresses) throws Exception {
        Set<String> addresses = new TreeSet<>(otherAddresses);
        expected.forEach(email -> addresses.add(email.recipient()));
        Map<String, Integer> receivedById = new HashMap<>();
        Map<String, Set<String>> inboxesById = new HashMap<>();
        int received = 0;
        for (String address : addresses) {
            for (String id : Mailbox.notificationIds(ports, address)) {
                receivedById.merge(id, 1, Integer::sum);
                inboxesById.computeIfAbsent(id, x -> new TreeSet<>()).add(address);
                received++;
            }
        }
        Set<String> expectedIds = new TreeSet<>();
        List<TriggeredEmail> missing = new ArrayList<>();
        for (TriggeredEmail email : expected) {
            expectedIds.add(email.notificationId());
            if (!inboxesById.getOrDefault(email.notificationId(), Set.of()).contains(email.recipient())) {
                missing.add(email);
            }
        }
        Map<String, Integer> duplicated = new TreeMap<>();
        receivedById.forEach((id, count) -> {
            if (count > 1) {
                duplicated.put(id + " " + inboxesById.get(id), count);
            }
        });
        List<String> unexpected = receivedById.keySet().stream().filter(id -> !expectedIds.contains(id))
                .map(id -> id + " " + inboxesById.get(id)).sorted().toList();
        return new EmailCheck(expected, received, missing, duplicated, unexpected);
    }

    /**
     * The triggered emails the notification service has no delivery record of ({@code deliveries-v1}, keyed by the
     * notification id): issue 13's I3 asks one record per triggering event, whatever became of the send.
     */
    List<TriggeredEmail> triggeredWithoutDelivery(List<TriggeredEmail> triggered) {
        Set<String> recorded = new HashSet<>();
        mongo.getDatabase(RosterService.NOTIFICATION.database()).getCollection("deliveries-v1").find()
                .projection(new Document("_id", 1)).forEach(delivery -> recorded.add(String.valueOf(delivery.get("_id"))));
        return triggered.stream().filter(email -> !recorded.contains(email.notificationId())).toList();
    }

    // --- quotas (I5) -------------------------------------------------------------------------------------------

    /**
     * The invitation links used more often than their quota allowed when each use happened (the quota of the link's
     * latest settings before the use), as "link: used N, quota Q" (issue 13's I5). From the invitation topic alone.
     */
    List<String> linksOverQuota() {
        Map<String, Integer> quota = new HashMap<>();
        Map<String, Integer> uses = new HashMap<>();
        List<String> over = new ArrayList<>();
        List<ConsumerRecord<String, String>> records = new ArrayList<>(TopicRecords.all(ports, "roster.invitation.v1"));
        // one link's events are on one partition in order; across links the order does not matter here
        records.sort(java.util.Comparator.comparingInt(ConsumerRecord<String, String>::partition)
                .thenComparingLong(ConsumerRecord::offset));
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<String, String> record : records) {
            if (!seen.add(TopicRecords.header(record, "ce_id"))) {
                continue; // a republished event is the same event
            }
            String type = typeName(record);
            if (!type.equals("InvitationLinkCreated") && !type.equals("InvitationLinkUpdated") && !type.equals("InvitationLinkUsed")) {
                continue;
            }
            JsonNode event = http.readTree(record.value());
            String link = event.path("linkId").asText();
            if (type.equals("InvitationLinkUsed")) {
                int used = uses.merge(link, 1, Integer::sum);
                Integer allowed = quota.get(link);
                if (allowed != null && used > allowed) {
                    over.add(link + ": used " + used + ", quota " + allowed);
                }
            } else if (event.hasNonNull("quota")) {
                quota.put(link, event.path("quota").asInt());
            } else {
                quota.remove(link);
            }
        }
        return over;
    }

    /** Every record of the notification topic whose type is {@code NotificationFailed}, as "kind recipient: error". */
    List<String> notificationsFailed() {
        List<String> failed = new ArrayList<>();
        for (ConsumerRecord<String, String> record : TopicRecords.all(ports, "roster.notification.v1")) {
            if ("NotificationFailed".equals(typeName(record))) {
                JsonNode event = http.readTree(record.value());
                failed.add(event.path("kind").asText() + " " + event.path("recipient").asText() + ": " + event.path("error").asText());
            }
        }
        return failed;
    }

    /** {@code MemberAdded} of {@code roster.identity.MemberAdded.v1}. */
    static String typeName(ConsumerRecord<String, String> record) {
        String type = TopicRecords.header(record, "ce_type");
        if (type == null) {
            return "";
        }
        String[] parts = type.split("\\.");
        return parts.length >= 2 ? parts[parts.length - 2] : type;
    }

    // ---------------------------------------------------------------------------------------------------------

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + ports.kafka()));
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + ports.kafka(),
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
    }
}

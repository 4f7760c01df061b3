package io.roster.kit.consumer;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Records that can never be applied: each is kept in {@value #COLLECTION} (the record itself, why, and what became
 * of it: {@code dead}, {@code redriven}, {@code discarded} with who, when and why) and published once to
 * {@code <topic>.DLT} with the reason in the {@value #REASON_HEADER} header, and counted in
 * {@code roster.consumer.dead.letters{topic,reason}}. The id is derived from the record's coordinates and the group,
 * so a record dead-lettered again (the consumer died before committing) is stored and published once.
 */
public final class DeadLetters {

    static final String COLLECTION = "dead-letters-v1";
    public static final String REASON_HEADER = "roster_dlt_reason";
    public static final String ERROR_HEADER = "roster_dlt_error";
    public static final String GROUP_HEADER = "roster_dlt_group";
    public static final String ID_HEADER = "roster_dlt_id";
    /** The record could not be decoded: not a CloudEvent, an unknown ce_type, a failing upcaster. */
    public static final String UNREADABLE = "unreadable";
    /** A handler failed the same way on every attempt. */
    public static final String FAILED = "failed";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final MongoCollection<Document> collection;
    private final KafkaTemplate<String, byte[]> kafka;
    private final MeterRegistry meters;

    DeadLetters(MongoDatabase database, KafkaTemplate<String, byte[]> kafka, MeterRegistry meters) {
        this.collection = database.getCollection(COLLECTION);
        this.kafka = kafka;
        this.meters = meters;
    }

    /**
     * Registers the counters of a topic the service reads, at zero, before any record is dead-lettered: an alert on
     * {@code increase(...) > 0} sees only a series that existed before its first increment.
     */
    void countFrom(String topic) {
        counter(topic, UNREADABLE);
        counter(topic, FAILED);
    }

    private Counter counter(String topic, String reason) {
        return Counter.builder("roster.consumer.dead.letters").description("Records sent to a dead letter topic")
                .tag("topic", topic).tag("reason", reason).register(meters);
    }

    private volatile boolean indexed;

    /** Made on first use, so that a service starts (not ready) while MongoDB is unreachable. */
    void ensureIndexes() {
        if (!indexed) {
            collection.createIndex(Indexes.descending("createdAt"), new IndexOptions().name("by_created"));
            indexed = true;
        }
    }

    public record DeadLetter(String id, String group, String topic, int partition, long offset, String aggregateId,
                             Long sequence, String type, String reason, String error, String status, Instant createdAt,
                             String resolvedBy, Instant resolvedAt, String discardReason, StoredRecord record) {
        boolean dead() {
            return "dead".equals(status);
        }
    }

    /** Keeps and publishes the record (once), and answers its id. */
    String deadLetter(String group, StoredRecord record, String aggregateId, Long sequence, String type, String reason, Throwable error) {
        String id = UUID.nameUUIDFromBytes((group + "|" + record.topic() + "|" + record.partition() + "|" + record.offset())
                .getBytes(StandardCharsets.UTF_8)).toString();
        ensureIndexes();
        String message = describe(error);
        Document stored = new Document("group", group).append("topic", record.topic()).append("partition", record.partition())
                .append("offset", record.offset()).append("aggregateId", aggregateId).append("sequence", sequence)
                .append("type", type).append("reason", reason).append("error", message).append("status", "dead")
                .append("createdAt", new Date()).append("published", false).append("record", record.asDocument());
        boolean inserted = collection.updateOne(Filters.eq("_id", id), Updates.setOnInsert(stored), new UpdateOptions().upsert(true))
                .getUpsertedId() != null;
        Document current = collection.find(Filters.eq("_id", id)).first();
        if (current != null && !current.getBoolean("published", false)) {
            publish(id, group, record, reason, message);
            collection.updateOne(Filters.eq("_id", id), Updates.set("published", true));
        }
        if (inserted) {
            log.error("Dead-lettered {}-{}@{} of {} (group {}, aggregate {} #{}): {}: {}", record.topic(), record.partition(),
                    record.offset(), type, group, aggregateId, sequence, reason, message);
            counter(record.topic(), reason).increment();
        }
        return id;
    }

    private void publish(String id, String group, StoredRecord record, String reason, String message) {
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        headers.add(new RecordHeader(REASON_HEADER, bytes(reason)));
        headers.add(new RecordHeader(ERROR_HEADER, bytes(message)));
        headers.add(new RecordHeader(GROUP_HEADER, bytes(group)));
        headers.add(new RecordHeader(ID_HEADER, bytes(id)));
        headers.add(new RecordHeader("kafka_dlt-original-topic", bytes(record.topic())));
        headers.add(new RecordHeader("kafka_dlt-original-partition", bytes(Integer.toString(record.partition()))));
        headers.add(new RecordHeader("kafka_dlt-original-offset", bytes(Long.toString(record.offset()))));
        try {
            kafka.send(new ProducerRecord<>(Topics.deadLetter(record.topic()), null, record.key(), record.value(), headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while dead-lettering " + id, e);
        } catch (ExecutionException e) {
            throw new DeadLetterPublishFailed(id, e.getCause());
        } catch (TimeoutException e) {
            throw new DeadLetterPublishFailed(id, e);
        }
    }

    Optional<DeadLetter> find(String id) {
        return Optional.ofNullable(collection.find(Filters.eq("_id", id)).first()).map(DeadLetters::toDeadLetter);
    }

    /** The newest dead letters first. */
    List<DeadLetter> newest(int limit) {
        ensureIndexes();
        List<DeadLetter> found = new ArrayList<>();
        collection.find().sort(Sorts.descending("createdAt")).limit(limit).forEach(d -> found.add(toDeadLetter(d)));
        return found;
    }

    void redriven(String id, String who) {
        collection.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("status", "redriven"),
                Updates.set("resolvedBy", who), Updates.set("resolvedAt", new Date())));
    }

    void discarded(String id, String who, String reason) {
        collection.updateOne(Filters.eq("_id", id), Updates.combine(Updates.set("status", "discarded"),
                Updates.set("resolvedBy", who), Updates.set("resolvedAt", new Date()), Updates.set("discardReason", reason)));
    }

    private static DeadLetter toDeadLetter(Document d) {
        Number sequence = d.get("sequence", Number.class);
        Date resolvedAt = d.getDate("resolvedAt");
        return new DeadLetter(d.getString("_id"), d.getString("group"), d.getString("topic"), d.getInteger("partition"),
                d.get("offset", Number.class).longValue(), d.getString("aggregateId"), sequence == null ? null : sequence.longValue(),
                d.getString("type"), d.getString("reason"), d.getString("error"), d.getString("status"),
                d.getDate("createdAt").toInstant(), d.getString("resolvedBy"), resolvedAt == null ? null : resolvedAt.toInstant(),
                d.getString("discardReason"), StoredRecord.fromDocument(d.get("record", Document.class)));
    }

    private static String describe(Throwable error) {
        String text = error == null ? "" : error.getClass().getSimpleName() + ": " + error.getMessage();
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }

    private static byte[] bytes(String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }

    /** Kafka did not take the dead letter: an infrastructure failure, retried like any other. */
    static final class DeadLetterPublishFailed extends org.apache.kafka.common.errors.RetriableException {
        DeadLetterPublishFailed(String id, Throwable cause) {
            super("Cannot publish dead letter " + id + ": " + cause, cause);
        }
    }
}

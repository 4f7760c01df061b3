package io.roster.kit.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.bson.Document;
import org.bson.types.Binary;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Kafka record as it was read, kept in MongoDB (a dead letter, an event waiting behind one): it can be decoded
 * and handled again exactly as if it came from the topic.
 */
record StoredRecord(String topic, int partition, long offset, String key, byte[] value, List<Header> headers) {

    static StoredRecord of(ConsumerRecord<String, byte[]> record) {
        List<Header> headers = new ArrayList<>();
        record.headers().forEach(headers::add);
        return new StoredRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(), headers);
    }

    ConsumerRecord<String, byte[]> toConsumerRecord() {
        RecordHeaders copy = new RecordHeaders();
        headers.forEach(copy::add);
        return new ConsumerRecord<>(topic, partition, offset, ConsumerRecord.NO_TIMESTAMP, TimestampType.NO_TIMESTAMP_TYPE,
                ConsumerRecord.NULL_SIZE, ConsumerRecord.NULL_SIZE, key, value, copy, Optional.empty());
    }

    /** A header's value as text, or null. */
    String header(String name) {
        return header(headers, name);
    }

    static String header(Iterable<Header> headers, String name) {
        String found = null;
        for (Header header : headers) {
            if (header.key().equals(name) && header.value() != null) {
                found = new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        return found;
    }

    Document asDocument() {
        List<Document> headerDocuments = new ArrayList<>();
        headers.forEach(h -> headerDocuments.add(new Document("key", h.key()).append("value", h.value() == null ? null : new Binary(h.value()))));
        return new Document("topic", topic).append("partition", partition).append("offset", offset).append("key", key)
                .append("value", value == null ? null : new Binary(value)).append("headers", headerDocuments);
    }

    static StoredRecord fromDocument(Document document) {
        List<Header> headers = new ArrayList<>();
        for (Document h : document.getList("headers", Document.class, List.of())) {
            Binary value = h.get("value", Binary.class);
            headers.add(new org.apache.kafka.common.header.internals.RecordHeader(h.getString("key"), value == null ? null : value.getData()));
        }
        Binary value = document.get("value", Binary.class);
        return new StoredRecord(document.getString("topic"), document.getInteger("partition"),
                document.get("offset", Number.class).longValue(), document.getString("key"),
                value == null ? null : value.getData(), headers);
    }
}

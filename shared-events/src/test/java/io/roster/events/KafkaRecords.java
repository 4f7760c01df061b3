package io.roster.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** What a consumer would receive for a produced record, and ways to spoil one. */
final class KafkaRecords {

    private KafkaRecords() {
    }

    static ConsumerRecord<String, byte[]> received(ProducerRecord<String, byte[]> sent) {
        return received(sent.topic(), sent.key(), sent.value(), copy(sent.headers()));
    }

    static ConsumerRecord<String, byte[]> received(String topic, String key, byte[] value, Headers headers) {
        return new ConsumerRecord<>(topic, 0, 0L, 0L, TimestampType.CREATE_TIME,
                key == null ? -1 : key.length(), value == null ? -1 : value.length,
                key, value, headers, Optional.empty());
    }

    static Headers copy(Headers headers) {
        RecordHeaders copy = new RecordHeaders();
        for (Header header : headers) {
            copy.add(header.key(), header.value() == null ? null : header.value().clone());
        }
        return copy;
    }

    static String header(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    static Headers with(Headers headers, String key, String value) {
        Headers copy = copy(headers);
        copy.remove(key);
        copy.add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        return copy;
    }

    static Headers without(Headers headers, String key) {
        Headers copy = copy(headers);
        copy.remove(key);
        return copy;
    }
}

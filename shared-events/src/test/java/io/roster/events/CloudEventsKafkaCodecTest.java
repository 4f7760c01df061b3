package io.roster.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.roster.events.identity.MemberAdded;
import io.roster.events.invitation.InvitationAcceptRejected;
import io.roster.events.invitation.InvitationIssued;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A consumer must be able to tell a record it cannot read from a bug: every way a record can be
 * unreadable ends in {@link UnreadableEventException} (the dead letter topic), never in another exception.
 */
class CloudEventsKafkaCodecTest {

    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private final MemberAdded event = Fixtures.load(MemberAdded.class);
    private final ProducerRecord<String, byte[]> sent = codec.encode(
            new EventEnvelope(event, event.aggregateId().toString(), 7L, "corr-1", "cause-1"));

    private ConsumerRecord<String, byte[]> withHeaders(Headers headers) {
        return KafkaRecords.received(sent.topic(), sent.key(), sent.value(), headers);
    }

    private ConsumerRecord<String, byte[]> withHeader(String key, String value) {
        return withHeaders(KafkaRecords.with(sent.headers(), key, value));
    }

    private ConsumerRecord<String, byte[]> withValue(byte[] value) {
        return KafkaRecords.received(sent.topic(), sent.key(), value, KafkaRecords.copy(sent.headers()));
    }

    private ConsumerRecord<String, byte[]> withJson(UnaryOperator<ObjectNode> change) {
        ObjectNode json = change.apply(EventJson.tree(sent.value()));
        return withValue(json.toString().getBytes(StandardCharsets.UTF_8));
    }

    private void assertUnreadable(ConsumerRecord<String, byte[]> record) {
        assertThatThrownBy(() -> codec.decode(record)).isExactlyInstanceOf(UnreadableEventException.class);
    }

    @Test
    void theUnspoiledRecordReads() {
        // the baseline every failure below departs from by one change
        assertThat(codec.decode(withHeaders(KafkaRecords.copy(sent.headers()))).event()).isEqualTo(event);
    }

    @Test
    void theTraceContextTravelsAsTheDistributedTracingExtension() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        ProducerRecord<String, byte[]> traced = codec.encode(new EventEnvelope(event, event.aggregateId().toString(), 7L,
                "corr-1", "cause-1", traceparent, "roster=1"));

        EventEnvelope read = codec.decode(KafkaRecords.received(traced.topic(), traced.key(), traced.value(),
                KafkaRecords.copy(traced.headers())));

        assertThat(new String(traced.headers().lastHeader("ce_traceparent").value(), StandardCharsets.UTF_8)).isEqualTo(traceparent);
        assertThat(new String(traced.headers().lastHeader("ce_tracestate").value(), StandardCharsets.UTF_8)).isEqualTo("roster=1");
        assertThat(read.traceparent()).isEqualTo(traceparent);
        assertThat(read.tracestate()).isEqualTo("roster=1");
        assertThat(read.causationId()).isEqualTo("cause-1");
        // an event outside any trace has neither header
        assertThat(sent.headers().lastHeader("ce_traceparent")).isNull();
        assertThat(codec.decode(withHeaders(KafkaRecords.copy(sent.headers()))).traceparent()).isNull();
    }

    @Test
    void aRecordWithoutCloudEventsHeadersIsUnreadable() {
        assertUnreadable(KafkaRecords.received(sent.topic(), sent.key(), sent.value(), new RecordHeaders()));
    }

    @Test
    void aRecordWithOnlyAContentTypeIsUnreadable() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        assertUnreadable(KafkaRecords.received(sent.topic(), sent.key(), sent.value(), headers));
    }

    @ParameterizedTest
    @ValueSource(strings = {"roster.identity.MemberJoined.v1", "roster.billing.InvoicePaid.v1",
            "roster.invitation.MemberAdded.v1", "roster.identity.memberAdded.v1"})
    void anUnknownTypeIsUnreadable(String ceType) {
        assertUnreadable(withHeader("ce_type", ceType));
    }

    @ParameterizedTest
    @ValueSource(strings = {"roster.identity.MemberAdded", "roster.identity.MemberAdded.1", "roster.identity.MemberAdded.v0",
            "roster.identity.MemberAdded.vX", "roster.identity.MemberAdded.v1.extra", "io.roster.identity.MemberAdded.v1",
            "com.example.order.created", "roster.", "roster.identity..v1", ""})
    void aMalformedTypeIsUnreadable(String ceType) {
        assertUnreadable(withHeader("ce_type", ceType));
    }

    @Test
    void aRevisionNewerThanTheReaderIsUnreadable() {
        assertUnreadable(withHeader("ce_type", "roster.identity.MemberAdded.v3"));
        assertUnreadable(withHeader("ce_type", "roster.identity.MemberAdded.v99999"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "{\"eventId\":", "<MemberAdded/>", "\"a string\"", "42", "null", "true"})
    void aValueThatIsNotAJsonObjectIsUnreadable(String value) {
        assertUnreadable(withValue(value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aJsonArrayIsUnreadable() {
        assertUnreadable(withValue(("[" + new String(sent.value(), StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8)));
        assertUnreadable(withValue("[]".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anEmptyOrAbsentValueIsUnreadable() {
        assertUnreadable(withValue(new byte[0]));
        assertUnreadable(withValue(null));
    }

    @Test
    void bytesThatAreNotUtf8AreUnreadable() {
        assertUnreadable(withValue(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE}));
    }

    @Test
    void anEventWithoutItsEventIdIsUnreadable() {
        assertUnreadable(withJson(json -> (ObjectNode) json.without("eventId")));
        assertUnreadable(withJson(json -> json.putNull("eventId")));
    }

    @Test
    void anEventWhoseIdIsNotItsCloudEventsIdIsUnreadable() {
        assertUnreadable(withJson(json -> json.put("eventId", java.util.UUID.randomUUID().toString())));
        assertUnreadable(withHeader("ce_id", java.util.UUID.randomUUID().toString()));
    }

    @Test
    void anEventWithoutItsTimeOrAggregateIsUnreadable() {
        assertUnreadable(withJson(json -> (ObjectNode) json.without("occurredAt")));
        assertUnreadable(withJson(json -> json.putNull("organizationId")));
    }

    @Test
    void aRejectedAcceptWithNeitherInvitationNorLinkIsUnreadable() {
        InvitationAcceptRejected rejected = Fixtures.load(InvitationAcceptRejected.class);
        ProducerRecord<String, byte[]> good = codec.encode(EventEnvelope.of(rejected, 1L));
        ObjectNode json = EventJson.tree(good.value()).putNull("invitationId");
        ConsumerRecord<String, byte[]> record = KafkaRecords.received(good.topic(), good.key(),
                json.toString().getBytes(StandardCharsets.UTF_8), KafkaRecords.copy(good.headers()));
        assertUnreadable(record);
    }

    @Test
    void fieldsOfTheWrongShapeAreUnreadable() {
        assertUnreadable(withJson(json -> json.put("eventId", "not-a-uuid")));
        assertUnreadable(withJson(json -> json.put("occurredAt", "22/11/2026 10:15")));
        assertUnreadable(withJson(json -> json.put("via", "carrier-pigeon")));
        assertUnreadable(withJson(json -> json.put("roles", "admin")));
        assertUnreadable(withJson(json -> (ObjectNode) json.set("teamIds", json.objectNode())));
    }

    @Test
    void aSealedSecretWithoutItsKeyIdIsUnreadable() {
        InvitationIssued issued = Fixtures.load(InvitationIssued.class);
        ProducerRecord<String, byte[]> good = codec.encode(EventEnvelope.of(issued, 1L));
        ObjectNode json = EventJson.tree(good.value());
        ((ObjectNode) json.get("token")).remove("keyId");
        ConsumerRecord<String, byte[]> record = KafkaRecords.received(good.topic(), good.key(),
                json.toString().getBytes(StandardCharsets.UTF_8), KafkaRecords.copy(good.headers()));
        assertUnreadable(record);
    }

    @Test
    void aRecordWithoutItsSequenceOrWithABadOneIsUnreadable() {
        assertUnreadable(withHeaders(KafkaRecords.without(sent.headers(), "ce_aggregatesequence")));
        assertUnreadable(withHeader("ce_aggregatesequence", "seven"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ce_id", "ce_type", "ce_source"})
    void aRecordWithoutARequiredCloudEventsAttributeIsUnreadable(String header) {
        assertUnreadable(withHeaders(KafkaRecords.without(sent.headers(), header)));
    }

    @Test
    void badCloudEventsAttributesAreUnreadable() {
        assertUnreadable(withHeader("ce_specversion", "2.0"));
        assertUnreadable(withHeader("ce_time", "yesterday"));
        assertUnreadable(withHeader("ce_id", null));
        assertUnreadable(withHeader("ce_type", null));
        assertUnreadable(withHeader("ce_specversion", null));
    }

    @Test
    void aRecordReadsTheSameFromTheDeadLetterTopicAndWithoutAKey() {
        ConsumerRecord<String, byte[]> fromDlt = KafkaRecords.received(Topics.deadLetter(sent.topic()), null,
                sent.value(), KafkaRecords.copy(sent.headers()));

        EventEnvelope decoded = codec.decode(fromDlt);

        assertThat(decoded).isEqualTo(new EventEnvelope(event, event.organizationId().toString(), 7L, "corr-1", "cause-1"));
    }
}

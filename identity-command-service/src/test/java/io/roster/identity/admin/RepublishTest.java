package io.roster.identity.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.Topics;
import io.roster.identity.IdentityHttpTest;
import io.roster.testsupport.EmbeddedInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.TestPropertySource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Republishing the event store: the relay's token is reset and every stored event reaches the topic again,
 * with its event id and aggregate sequence. A context of its own (the batch size differs), so the copies are
 * of this context's events only.
 */
@TestPropertySource(properties = "roster.relay.batch-size=50")
class RepublishTest extends IdentityHttpTest {

    private static final String REPUBLISH = "/api/v1/admin/republish";

    @Test
    void everyStoredEventIsPublishedAgainWithItsIdAndSequence() {
        String admin = adminToken();
        UUID organization = createOrganization(admin, "Republished Ltd");
        List<String> first = await("the organization's events on the topic").atMost(Duration.ofSeconds(30))
                .until(() -> identitiesOf(organization.toString()), records -> records.size() == 2);
        // the relay's token moves on past its look-back (1 s), as it has in any store that lived a while: the
        // organization's events are no longer among those the token tracks (the end-to-end republish found then that
        // Axon did not call them a replay, and the relay skipped every one as already on Kafka)
        await("a moment past the look-back").pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
        UUID moving = createOrganization(admin, "Moved On Ltd");
        await("the later organization's events on the topic").atMost(Duration.ofSeconds(30))
                .until(() -> identitiesOf(moving.toString()), records -> records.size() == 2);

        JsonNode started = body(post(admin, REPUBLISH, Map.of()).expectStatus().isAccepted());
        assertThat(started.path("running").asBoolean()).isTrue();

        List<String> after = await("the events published again").atMost(Duration.ofSeconds(60))
                .until(() -> identitiesOf(organization.toString()), records -> records.size() == 4);
        assertThat(after.subList(0, 2)).isEqualTo(first);
        assertThat(after.subList(2, 4)).as("the copies: same event ids and sequences, in order").isEqualTo(first);

        await("the relay caught up").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode status = body(web.get().uri(REPUBLISH).headers(h -> h.setBearerAuth(admin)).exchange().expectStatus().isOk());
            assertThat(status.path("state").asText()).as(status.toString()).isEqualTo("caught-up");
            assertThat(status.path("caughtUp").asBoolean()).as(status.toString()).isTrue();
        });
        UUID later = createOrganization(admin, "After the republish");
        assertThat(await().atMost(Duration.ofSeconds(30)).until(() -> identitiesOf(later.toString()), r -> r.size() == 2))
                .as("new events are published once").hasSize(2);
    }

    @Test
    void onlyProviderAdminsRepublish() {
        UUID organization = createOrganization(adminToken(), "Members Only");
        String member = createMember(organization, "admin").token();
        problem(post(member, REPUBLISH, Map.of()), HttpStatus.FORBIDDEN, "forbidden");
        problem(web.get().uri(REPUBLISH).headers(h -> h.setBearerAuth(member)).exchange(), HttpStatus.FORBIDDEN, "forbidden");
        problem(web.post().uri(REPUBLISH).exchange(), HttpStatus.UNAUTHORIZED, "unauthenticated");
    }

    /** "ce_id/sequence" of every record of the aggregate on the identity topic, in offset order. */
    private static List<String> identitiesOf(String aggregateId) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers());
        List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.IDENTITY, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (aggregateId.equals(r.key())) {
                        found.add(r);
                    }
                });
            }
        }
        CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
        return found.stream()
                .sorted(java.util.Comparator.comparingLong(ConsumerRecord::offset))
                .map(r -> header(r, "ce_id") + "/" + codec.decode(r).sequenceNumber())
                .collect(Collectors.toList());
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}

package io.roster.identity.invitation;

import com.mongodb.client.MongoDatabase;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.identity.account.InvitationTokens;
import io.roster.kit.kafka.AppliedSequences;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Feeds {@link InvitationTokens} and {@link InvitationJoins} from {@code roster.invitation.v1} in identity's own consumer group
 * ({@value #GROUP}), each event once: one at or below its aggregate's last sequence taken in is skipped
 * ({@link AppliedSequences}). An unreadable record throws, and the shared error handler sends it to the dead letter
 * topic; so does a join that keeps failing (a user or organization identity does not know), after retries.
 * {@code roster.invitation-joins.topic} and {@code .consumer-group} exist only for tests, whose Spring contexts
 * each have a database of their own: each context reads a topic of its own, so that one context never sees
 * (and retries) joins of users only another context's database knows.
 */
@Component
class InvitationEventConsumer {

    static final String GROUP = "identity-invitations-v1";
    static final String LISTENER = "identity-invitation-joins";

    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private final InvitationTokens tokens;
    private final InvitationJoins joins;
    private final AppliedSequences applied;

    InvitationEventConsumer(InvitationTokens tokens, InvitationJoins joins, MongoDatabase database) {
        this.tokens = tokens;
        this.joins = joins;
        this.applied = new AppliedSequences(database, "invitation-applied-sequences-v1");
    }

    @KafkaListener(id = LISTENER, groupId = "${roster.invitation-joins.consumer-group:" + GROUP + "}",
            topics = "${roster.invitation-joins.topic:" + Topics.INVITATION + "}")
    void consume(ConsumerRecord<String, byte[]> record) {
        EventEnvelope envelope = codec.decode(record);
        // an acceptance delivered again after the member was removed must not bring them back
        if (!applied.isNew(envelope)) {
            return;
        }
        tokens.apply(envelope);
        joins.apply(envelope);
        applied.markApplied(envelope);
    }
}

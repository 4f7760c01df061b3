package io.roster.invitation.directory;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Feeds {@link IdentityDirectory} from {@code roster.identity.v1} in the service's own consumer group. An
 * unreadable record throws, and the shared error handler sends it to the dead letter topic.
 */
@Component
class IdentityEventConsumer {

    /** v2: the directory's collections were renamed for the team names, so it reads the topic from the start again. */
    static final String GROUP = "invitation-service-v2";

    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private final IdentityDirectory directory;

    IdentityEventConsumer(IdentityDirectory directory) {
        this.directory = directory;
    }

    @KafkaListener(id = "invitation-identity-directory", groupId = GROUP, topics = Topics.IDENTITY)
    void consume(ConsumerRecord<String, byte[]> record) {
        directory.apply(codec.decode(record));
    }
}

package io.roster.invitation.directory;

import com.mongodb.client.MongoDatabase;
import io.roster.events.Topics;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.OrganizationRenamed;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserEmailVerified;
import io.roster.events.identity.UserRegistered;
import io.roster.kit.consumer.AppliedSequences;
import io.roster.kit.consumer.ConsumerDefinition;
import io.roster.kit.consumer.EventHandlers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * Feeds {@link IdentityDirectory} from {@code roster.identity.v1} in the service's own consumer group, through
 * service-kit's consumer runtime (decoding, the sequence guard in {@code directory-applied-sequences-v2}, dead
 * letters, waiting out an unreachable MongoDB). The other identity events change nothing the invitation rules look
 * at; their sequences are recorded all the same.
 */
@Configuration(proxyBeanMethods = false)
class IdentityEventConsumer {

    /** v2: the directory's collections were renamed for the team names, so it reads the topic from the start again. */
    static final String GROUP = "invitation-service-v2";

    /** What the directory applied, per identity aggregate; also read by {@link IdentityConsistencyFilter}. */
    @Bean
    AppliedSequences directoryAppliedSequences(MongoDatabase database) {
        return new AppliedSequences(database, "directory-applied-sequences-v2");
    }

    @Bean
    ConsumerDefinition identityDirectoryConsumer(IdentityDirectory directory, AppliedSequences directoryAppliedSequences) {
        EventHandlers handlers = EventHandlers.builder()
                .onEach(List.of(OrganizationCreated.class, OrganizationRenamed.class, MemberAdded.class, MemberRolesChanged.class,
                        MemberRemoved.class, MemberExpired.class, TeamCreated.class, TeamRenamed.class, TeamDeleted.class, UserRegistered.class,
                        UserEmailVerified.class, UserDeleted.class), (event, envelope) -> directory.project(envelope))
                .build();
        // a poll at a time: one read and one write of applied sequences per poll, and the directory's writes in bulk
        return ConsumerDefinition.batches(GROUP, List.of(Topics.IDENTITY), handlers, directoryAppliedSequences, directory.heldWrites());
    }
}

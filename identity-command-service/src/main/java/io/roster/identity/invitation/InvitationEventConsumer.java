package io.roster.identity.invitation;

import com.mongodb.client.MongoDatabase;
import io.roster.events.Topics;
import io.roster.identity.account.InvitationDeliveries;
import io.roster.identity.account.InvitationTokens;
import io.roster.identity.account.LinkUseCounts;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationExpired;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkDisabled;
import io.roster.events.invitation.InvitationLinkEnabled;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationDeclined;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.invitation.InvitationUpdated;
import io.roster.events.notification.NotificationSent;
import io.roster.kit.consumer.AppliedSequences;
import io.roster.kit.consumer.BatchScope;
import io.roster.kit.consumer.ConsumerDefinition;
import io.roster.kit.consumer.EventHandlers;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/**
 * Feeds {@link InvitationTokens} and {@link InvitationJoins} from {@code roster.invitation.v1} in identity's own
 * consumer group ({@value #GROUP}), through service-kit's consumer runtime: each event once, in order per aggregate
 * (sequences in {@code invitation-applied-sequences-v1}), so an acceptance delivered again after the member was
 * removed does not bring them back. A join that keeps failing (a user or organization identity does not know) is
 * dead-lettered and the invitation's later events wait behind it; MongoDB or Kafka being away is waited out.
 * {@code roster.invitation-joins.topic} and {@code .consumer-group} exist only for tests, whose Spring contexts
 * each have a database of their own: each context reads a topic of its own, so that one context never sees
 * (and dead-letters) joins of users only another context's database knows.
 */
@Configuration(proxyBeanMethods = false)
class InvitationEventConsumer {

    static final String GROUP = "identity-invitations-v1";
    static final String DELIVERIES_GROUP = "identity-invitation-deliveries-v1";

    @Bean
    ConsumerDefinition invitationJoinsConsumer(InvitationTokens tokens, LinkUseCounts linkUses, InvitationJoins joins, MongoDatabase database,
                                               @Value("${roster.invitation-joins.consumer-group:" + GROUP + "}") String group,
                                               @Value("${roster.invitation-joins.topic:" + Topics.INVITATION + "}") String topic) {
        EventHandlers handlers = EventHandlers.builder()
                .onEach(List.of(InvitationIssued.class, InvitationResent.class, InvitationRevoked.class, InvitationExpired.class, InvitationDeclined.class, InvitationUpdated.class,
                        InvitationAccepted.class, InvitationLinkCreated.class, InvitationLinkUpdated.class,
                        InvitationLinkDisabled.class, InvitationLinkEnabled.class),
                        (event, envelope) -> tokens.apply(envelope))
                .on(InvitationLinkUsed.class, (event, envelope) -> linkUses.apply(envelope))
                .on(InvitationAccepted.class, (event, envelope) -> joins.apply(envelope))
                .on(InvitationLinkUsed.class, (event, envelope) -> joins.apply(envelope))
                .build();
        // a poll at a time (one read and one write of sequences per poll): a bulk upload brings a thousand at once, a
        // crowd through a link its joins in bursts; at the poll's end the tokens are written (a bulk write), then a link's
        // uses are counted and the joins made, one update per link and one command per organization
        return ConsumerDefinition.batches(group, List.of(topic), handlers,
                new AppliedSequences(database, "invitation-applied-sequences-v1"), BatchScope.all(tokens.heldWrites(), linkUses, joins));
    }

    /**
     * Which server carried each invitation email ({@link InvitationDeliveries}), from {@code roster.notification.v1} in a
     * group of its own ({@value #DELIVERIES_GROUP}); {@code roster.invitation-deliveries.consumer-group} exists for
     * tests, as above.
     */
    @Bean
    ConsumerDefinition invitationDeliveriesConsumer(InvitationDeliveries deliveries, MongoDatabase database,
                                                    @Value("${roster.invitation-deliveries.consumer-group:" + DELIVERIES_GROUP + "}") String group) {
        EventHandlers handlers = EventHandlers.builder()
                .on(NotificationSent.class, (event, envelope) -> deliveries.apply(envelope))
                .build();
        return ConsumerDefinition.batches(group, List.of(Topics.NOTIFICATION), handlers,
                new AppliedSequences(database, "invitation-delivery-sequences-v1"), deliveries.heldWrites());
    }
}

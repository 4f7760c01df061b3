package io.roster.identity.invitation;

import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EncryptedSecret;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.Topics;
import io.roster.events.UnreadableEventException;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.UserEmailVerified;
import io.roster.events.identity.VerificationMethod;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationLinkUsed;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.identity.IdentityHttpTest;
import io.roster.identity.account.InvitationDeliveries;
import io.roster.identity.membership.SingleOrganizationPolicy;
import io.roster.identity.organization.UserDirectory;
import io.roster.kit.command.Commands;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.EmbeddedInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The invitation service's joins, end to end: {@code InvitationAccepted} / {@code InvitationLinkUsed} on
 * {@code roster.invitation.v1} make the identity service add the member, and its events reach
 * {@code roster.identity.v1}.
 */
class InvitationJoinsTest extends IdentityHttpTest {

    private final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();
    private KafkaConsumer<String, byte[]> identityTopic;
    private final List<RosterEvent> published = new ArrayList<>();

    @BeforeEach
    void connect() {
        identityTopic = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedInfrastructure.kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        identityTopic.subscribe(List.of(Topics.IDENTITY));
    }

    @AfterEach
    void disconnect() {
        identityTopic.close();
    }

    @Test
    void anAcceptedInvitationAddsTheMemberWithItsRolesAndTeamsAndVerifiesTheAddress() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Invited");
        UUID teamId = createTeam(admin, organizationId, "Red");
        TestUser invitee = createUser("invitee", List.of());
        UUID invitationId = UUID.randomUUID();
        issuedAndMailed(organizationId, invitationId, invitee, true);

        produce(EventEnvelope.of(accepted(organizationId, invitationId, invitee, List.of("member", "billing-manager"), List.of(teamId)), 1));

        MemberAdded added = awaitPublished(MemberAdded.class, e -> e.userId().equals(invitee.userId()));
        assertThat(added.organizationId()).isEqualTo(organizationId);
        assertThat(added.via()).isEqualTo(JoinPath.INVITATION);
        assertThat(added.invitationId()).isEqualTo(invitationId);
        assertThat(added.actorId()).isEqualTo(invitee.userId());
        assertThat(added.roles()).containsExactlyInAnyOrder("member", "billing-manager");
        assertThat(added.teamIds()).containsExactly(teamId);
        UserEmailVerified verified = awaitPublished(UserEmailVerified.class, e -> e.userId().equals(invitee.userId()));
        assertThat(verified.method()).isEqualTo(VerificationMethod.INVITATION);
        assertThat(verified.email()).isEqualTo(invitee.email());
    }

    @Test
    void aRedeliveredAcceptanceAddsTheMemberOnceAndVerifiesOnce() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Twice");
        TestUser invitee = createUser("twice", List.of());
        TestUser marker = createUser("marker", List.of());
        UUID invitationId = UUID.randomUUID();
        issuedAndMailed(organizationId, invitationId, invitee, true);
        InvitationAccepted event = accepted(organizationId, invitationId, invitee, List.of("member"), List.of());

        produce(EventEnvelope.of(event, 1));
        deliverAgainAndWaitBehindIt(event, 1, marker);

        assertThat(eventsOf(organizationId, MemberAdded.class)).filteredOn(e -> e.userId().equals(invitee.userId())).hasSize(1);
        assertThat(eventsOf(invitee.userId(), UserEmailVerified.class)).hasSize(1);
        assertThat(published).filteredOn(e -> e instanceof MemberAdded added && added.userId().equals(invitee.userId())).hasSize(1);
    }

    /** The acceptance delivered again (a crash before the commit, a republish) is older than the removal. */
    @Test
    void anAcceptanceDeliveredAgainAfterTheMemberWasRemovedDoesNotBringThemBack() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Gone");
        TestUser invitee = createUser("gone", List.of());
        TestUser marker = createUser("gone-marker", List.of());
        UUID invitationId = UUID.randomUUID();
        InvitationAccepted event = accepted(organizationId, invitationId, invitee, List.of("member"), List.of());
        produce(EventEnvelope.of(event, 0));
        awaitPublished(MemberAdded.class, e -> e.userId().equals(invitee.userId()));
        delete(admin, "/api/v1/organizations/" + organizationId + "/members/" + invitee.userId()).expectStatus().is2xxSuccessful();
        awaitPublished(MemberRemoved.class, e -> e.userId().equals(invitee.userId()));

        deliverAgainAndWaitBehindIt(event, 0, marker);

        assertThat(eventsOf(organizationId, MemberAdded.class)).filteredOn(e -> e.userId().equals(invitee.userId())).hasSize(1);
    }

    @Test
    void aUsedLinkAddsTheMemberViaLinkWithoutVerifyingTheAddress() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Linked");
        UUID teamId = createTeam(admin, organizationId, "Blue");
        TestUser joiner = createUser("joiner", List.of());
        UUID linkId = UUID.randomUUID();

        produce(EventEnvelope.of(new InvitationLinkUsed(UUID.randomUUID(), Instant.now(), organizationId, joiner.userId(), linkId,
                joiner.userId(), joiner.email(), List.of("member"), List.of(teamId, UUID.randomUUID()), 1), 0));

        MemberAdded added = awaitPublished(MemberAdded.class, e -> e.userId().equals(joiner.userId()));
        assertThat(added.via()).isEqualTo(JoinPath.LINK);
        assertThat(added.invitationId()).isEqualTo(linkId);
        assertThat(added.roles()).containsExactly("member");
        assertThat(added.teamIds()).as("an unknown team is dropped").containsExactly(teamId);
        assertThat(eventsOf(joiner.userId(), UserEmailVerified.class)).isEmpty();
    }

    /** A crowd through one link: the poll's joins go to the organization as one command, each judged on its own. */
    @Test
    void aBatchOfLinkUsesJoinsEachUserOnceAndRefusesOnlyTheJoinTheRulesRefuse() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Crowded");
        List<TestUser> crowd = List.of(createUser("crowd-a", List.of()), createUser("crowd-b", List.of()),
                createUser("crowd-c", List.of()), createUser("crowd-d", List.of()));
        UUID linkId = UUID.randomUUID();
        List<EventEnvelope> batch = new ArrayList<>();
        for (int i = 0; i < crowd.size(); i++) {
            // the third asks for a role the organization does not have
            List<String> roles = i == 2 ? List.of("owner") : List.of("member");
            batch.add(EventEnvelope.of(new InvitationLinkUsed(UUID.randomUUID(), Instant.now(), organizationId, crowd.get(i).userId(),
                    linkId, crowd.get(i).userId(), crowd.get(i).email(), roles, List.of(), i + 1), i));
        }
        batch.add(batch.get(0));
        InvitationJoins joins = new InvitationJoins(commands, users, singleOrganization, meters, deliveries);
        double refusedBefore = refusedJoins("validation_failed");

        for (int delivery = 0; delivery < 2; delivery++) {
            joins.around(() -> {
                batch.forEach(joins::apply);
                joins.beforeMark();
                return null;
            });
        }

        assertThat(eventsOf(organizationId, MemberAdded.class).stream().map(MemberAdded::userId))
                .as("everyone once, in order, but the refused join")
                .containsExactly(admin(organizationId), crowd.get(0).userId(), crowd.get(1).userId(), crowd.get(3).userId());
        assertThat(refusedJoins("validation_failed") - refusedBefore).as("the refusal, once per delivery").isEqualTo(2);
        UUID stranger = UUID.randomUUID();
        TestUser latecomer = createUser("crowd-e", List.of());
        assertThatThrownBy(() -> joins.around(() -> {
            joins.apply(EventEnvelope.of(new InvitationLinkUsed(UUID.randomUUID(), Instant.now(), organizationId, latecomer.userId(),
                    linkId, latecomer.userId(), latecomer.email(), List.of("member"), List.of(), 9), 9));
            joins.apply(EventEnvelope.of(new InvitationLinkUsed(UUID.randomUUID(), Instant.now(), organizationId,
                    stranger, linkId, stranger, "who@nowhere.io", List.of("member"), List.of(), 10), 10));
            joins.beforeMark();
            return null;
        })).as("a user identity does not know fails the batch (which the runtime then applies a record at a time)")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(stranger.toString());
        assertThat(eventsOf(organizationId, MemberAdded.class).stream().map(MemberAdded::userId))
                .as("nothing of that batch joined: it is applied again").doesNotContain(latecomer.userId(), stranger);
    }

    @Autowired
    private Commands commands;
    @Autowired
    private UserDirectory users;
    @Autowired
    private SingleOrganizationPolicy singleOrganization;
    @Autowired
    private MeterRegistry meters;
    @Autowired
    private InvitationDeliveries deliveries;

    private UUID admin(UUID organizationId) {
        return eventsOf(organizationId, MemberAdded.class).get(0).userId();
    }

    private double refusedJoins(String code) {
        var counter = meters.find("roster.identity.invitation.joins.refused").tag("code", code).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Issue 17 item 10: the end date the invitation service fixed at the join becomes the membership's, as it is. */
    @Test
    void aJoinsMembershipEndDateIsTheMembersExpiryUnchanged() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Course");
        TestUser learner = createUser("learner", List.of());
        TestUser crowd = createUser("crowd", List.of());
        Instant learnerEnds = Instant.now().plus(java.time.Duration.ofDays(30)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        Instant crowdEnds = Instant.now().plus(java.time.Duration.ofDays(7)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);

        produce(EventEnvelope.of(new InvitationAccepted(UUID.randomUUID(), Instant.now(), organizationId, learner.userId(),
                UUID.randomUUID(), learner.userId(), learner.email(), List.of("member"), List.of(), learnerEnds), 0));
        produce(EventEnvelope.of(new InvitationLinkUsed(UUID.randomUUID(), Instant.now(), organizationId, crowd.userId(),
                UUID.randomUUID(), crowd.userId(), crowd.email(), List.of("member"), List.of(), 1, crowdEnds), 0));

        assertThat(awaitPublished(MemberAdded.class, e -> e.userId().equals(learner.userId())).expiresAt()).isEqualTo(learnerEnds);
        assertThat(awaitPublished(MemberAdded.class, e -> e.userId().equals(crowd.userId())).expiresAt()).isEqualTo(crowdEnds);
    }

    @Test
    void anInvitationAcceptedAtAnotherAddressJoinsWithoutVerifying() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Elsewhere");
        TestUser invitee = createUser("elsewhere", List.of());
        UUID invitationId = UUID.randomUUID();

        produce(EventEnvelope.of(new InvitationAccepted(UUID.randomUUID(), Instant.now(), organizationId, invitee.userId(),
                invitationId, invitee.userId(), uniqueEmail("other"), List.of("member"), List.of()), 0));

        awaitPublished(MemberAdded.class, e -> e.userId().equals(invitee.userId()));
        assertThat(eventsOf(invitee.userId(), UserEmailVerified.class)).isEmpty();
    }

    /**
     * V2: whoever runs the organization's own SMTP server read the token. Accepting it adds the member but proves nothing
     * about the address; neither does a token whose email identity has not heard of.
     */
    @Test
    void anInvitationMailedThroughTheOrganizationsOwnServerOrNotKnownToBeMailedJoinsWithoutVerifying() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Own Relay");
        TestUser relayed = createUser("relayed", List.of());
        UUID relayedInvitation = UUID.randomUUID();
        issuedAndMailed(organizationId, relayedInvitation, relayed, false);
        produce(EventEnvelope.of(accepted(organizationId, relayedInvitation, relayed, List.of("member"), List.of()), 1));

        TestUser unmailed = createUser("unmailed", List.of());
        UUID unmailedInvitation = UUID.randomUUID();
        produce(EventEnvelope.of(new InvitationIssued(UUID.randomUUID(), Instant.now(), organizationId, null, unmailedInvitation,
                unmailed.email(), null, null, List.of("member"), List.of(), Instant.now().plusSeconds(3600), SecretBox.hash(SecretBox.newToken()),
                new EncryptedSecret("k1", "c2VhbGVk"), null), 0));
        produce(EventEnvelope.of(accepted(organizationId, unmailedInvitation, unmailed, List.of("member"), List.of()), 1));

        awaitPublished(MemberAdded.class, e -> e.userId().equals(relayed.userId()));
        awaitPublished(MemberAdded.class, e -> e.userId().equals(unmailed.userId()));
        assertThat(eventsOf(relayed.userId(), UserEmailVerified.class)).isEmpty();
        assertThat(eventsOf(unmailed.userId(), UserEmailVerified.class)).isEmpty();
    }

    /**
     * Issue 17 item 6: a reminder carries the invitation email's token again. The invitation went through the platform's
     * server, but its reminder through the organization's own (set up in between): accepting then proves nothing about
     * the address. A reminder through the platform's server changes nothing.
     */
    @Test
    void aReminderThroughTheOrganizationsOwnServerTakesTheProofFromTheToken() {
        String admin = adminToken();
        UUID organizationId = createOrganization(admin, "Reminded Relay");
        TestUser relayed = createUser("reminded-relayed", List.of());
        UUID relayedInvitation = UUID.randomUUID();
        RosterEvent relayedToken = issuedAndMailed(organizationId, relayedInvitation, relayed, true);
        remindedThrough(organizationId, relayedInvitation, relayed, false);
        await().atMost(Duration.ofSeconds(30)).until(() -> Boolean.FALSE.equals(mongo.getCollection("invitation-deliveries-v1")
                .find(com.mongodb.client.model.Filters.eq("_id", relayedToken.eventId().toString())).first().getBoolean("viaPlatform")));
        produce(EventEnvelope.of(accepted(organizationId, relayedInvitation, relayed, List.of("member"), List.of()), 1));

        TestUser platform = createUser("reminded-platform", List.of());
        UUID platformInvitation = UUID.randomUUID();
        issuedAndMailed(organizationId, platformInvitation, platform, true);
        remindedThrough(organizationId, platformInvitation, platform, true);
        produce(EventEnvelope.of(accepted(organizationId, platformInvitation, platform, List.of("member"), List.of()), 1));

        awaitPublished(MemberAdded.class, e -> e.userId().equals(relayed.userId()));
        awaitPublished(UserEmailVerified.class, e -> e.userId().equals(platform.userId()));
        org.assertj.core.api.SoftAssertions softly = new org.assertj.core.api.SoftAssertions();
        softly.assertThat(eventsOf(relayed.userId(), UserEmailVerified.class)).as("reminded through the organization's server").isEmpty();
        softly.assertThat(eventsOf(platform.userId(), UserEmailVerified.class)).as("reminded through the platform's").hasSize(1);
        softly.assertAll();
    }

    /** The notification service's NotificationSent of a reminder of the invitation, once identity knows its token. */
    private void remindedThrough(UUID organizationId, UUID invitationId, TestUser invitee, boolean viaPlatform) {
        await().atMost(Duration.ofSeconds(30)).until(() -> mongo.getCollection("invitation-tokens-v1")
                .countDocuments(com.mongodb.client.model.Filters.eq("sourceId", invitationId.toString())) == 1);
        publish(Topics.NOTIFICATION, EventEnvelope.of(new io.roster.events.notification.NotificationSent(UUID.randomUUID(),
                Instant.now(), organizationId, null, UUID.randomUUID(), UUID.randomUUID(),
                io.roster.events.notification.NotificationKind.INVITATION_REMINDER, invitee.email(), invitationId, 1, viaPlatform), 0));
    }

    /** The invitation (sequence 0) and its email, through the platform's server or the organization's own. */
    private RosterEvent issuedAndMailed(UUID organizationId, UUID invitationId, TestUser invitee, boolean viaPlatform) {
        InvitationIssued issued = new InvitationIssued(UUID.randomUUID(), Instant.now(), organizationId, null, invitationId,
                invitee.email(), null, null, List.of("member"), List.of(), Instant.now().plusSeconds(3600), SecretBox.hash(SecretBox.newToken()),
                new EncryptedSecret("k1", "c2VhbGVk"), null);
        produce(EventEnvelope.of(issued, 0));
        publishInvitationDelivery(issued, invitationId, invitee.email(), viaPlatform);
        return issued;
    }

    private static InvitationAccepted accepted(UUID organizationId, UUID invitationId, TestUser user, List<String> roles, List<UUID> teamIds) {
        return new InvitationAccepted(UUID.randomUUID(), Instant.now(), organizationId, user.userId(), invitationId,
                user.userId(), user.email().toUpperCase(), roles, teamIds);
    }

    /**
     * Delivers the acceptance (this sequence of its invitation) again, then the marker's acceptance as the next sequence
     * of the same invitation: same key, so the same partition, handled after it. Returns once the marker joined.
     */
    private void deliverAgainAndWaitBehindIt(InvitationAccepted event, long sequence, TestUser marker) {
        produce(EventEnvelope.of(event, sequence));
        produce(new EventEnvelope(accepted(event.organizationId(), event.invitationId(), marker, List.of("member"), List.of()),
                event.invitationId().toString(), sequence + 1, null, null));
        awaitPublished(MemberAdded.class, e -> e.userId().equals(marker.userId()));
    }

    private void produce(EventEnvelope envelope) {
        publishInvitationEvent(envelope);
    }

    private <E> E awaitPublished(Class<E> type, Predicate<E> which) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            identityTopic.poll(Duration.ofMillis(200)).forEach(record -> {
                try {
                    published.add(codec.decode(record).event());
                } catch (UnreadableEventException e) {
                    // another test's deliberately broken record: not an event of this one
                }
            });
            return published.stream().filter(type::isInstance).map(type::cast).anyMatch(which);
        });
        return published.stream().filter(type::isInstance).map(type::cast).filter(which).findFirst().orElseThrow();
    }

    private UUID createTeam(String token, UUID organizationId, String name) {
        return UUID.fromString(body(post(token, "/api/v1/organizations/" + organizationId + "/teams", Map.of("name", name))
                .expectStatus().isCreated()).get("teamId").asText());
    }
}

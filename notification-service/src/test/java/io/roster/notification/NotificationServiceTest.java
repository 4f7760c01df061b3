package io.roster.notification;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.events.identity.AccountSetupRequested;
import io.roster.events.identity.EmailVerificationRequested;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.MemberExpired;
import io.roster.events.identity.MemberRemoved;
import io.roster.events.identity.MemberRolesChanged;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.PasswordResetReason;
import io.roster.events.identity.PasswordResetRequested;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.RemovalReason;
import io.roster.events.identity.UserProfileUpdated;
import io.roster.events.identity.UserRegistered;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationReminderSent;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.notification.NotificationFailed;
import io.roster.events.notification.NotificationKind;
import io.roster.events.notification.NotificationSent;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.TestTokenIssuer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import static io.roster.notification.TestEnvironment.PLATFORM_SENDER;
import static io.roster.notification.TestEnvironment.PUBLIC_BASE_URL;
import static io.roster.notification.TestEnvironment.SECRETS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The notification service against a real Kafka broker, the Mongo-wire server and two GreenMail SMTP
 * servers (the platform's, and an organization's own that requires a login): events in, emails out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class NotificationServiceTest {

    static final MailServer PLATFORM = MailServer.open();
    static final String ORG_SMTP_USER = "smtp-user@org.test";
    static final String ORG_SMTP_PASSWORD = "smtp-pass";
    static final MailServer ORG_SMTP = MailServer.withLogin(ORG_SMTP_USER, ORG_SMTP_PASSWORD);
    static final Duration WAIT = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestEnvironment.register(registry, PLATFORM::port);
    }

    @AfterAll
    static void stopMailServers() {
        PLATFORM.close();
        ORG_SMTP.close();
    }

    @Autowired
    WebTestClient web;
    @Autowired
    KafkaTemplate<String, byte[]> kafka;
    @Autowired
    MongoDatabase mongo;

    // ---------------------------------------------------------------- every email

    @Autowired
    org.springframework.context.ApplicationContext context;

    /**
     * docs/openapi/notification-service.yaml is what this service serves at /v3/api-docs, names every route it maps,
     * parses without a message, and opening the document opened no endpoint (here, in this class's context, so that
     * no context is built for it alone).
     */
    @Test
    void theCheckedInOpenApiDocumentIsCurrentCompleteAndValidAndOnlyTheDocsAreOpen() {
        new io.roster.testsupport.openapi.OpenApiDocumentCheck("notification-service", "NotificationServiceTest#theCheckedIn*", web, context).run();
    }

    /** Issue 17 item 9: bad JSON bodies on every endpoint get a problem naming what is wrong ({@link io.roster.testsupport.openapi.ValidationSweep}). */
    @Test
    void everyBadBodyIsAProblemNamingItsFields() {
        new io.roster.testsupport.openapi.ValidationSweep("notification-service", web,
                TestTokenIssuer.get().tokenFor(UUID.randomUUID(), "root@roster.io", List.of("provider-admin"))).run();
    }

    @Test
    void everyEmailReachesItsRecipientWithItsLinkNamesTheOrganizationAndShowsWhatUsersTypedAsText() {
        String orgName = "Acme <script>alert('x')</script> & Co";
        Org org = organization(orgName);
        publish(new UserProfileUpdated(UUID.randomUUID(), Instant.now(), null, org.admin, org.admin, "<b>Ivy</b>", "Admin"), 1);
        await().atMost(WAIT).until(() -> "<b>Ivy</b>".equals(mongo.getCollection("users-v1")
                .find(Filters.eq("_id", org.admin.toString())).first().getString("firstName")));

        String ann = address("ann");
        String annToken = SecretBox.newToken();
        InvitationIssued issued = invitation(org, ann, "<script>Ann</script>", annToken);
        publish(issued, 0);

        String bob = address("bob");
        String bobToken = SecretBox.newToken();
        UUID bobInvitation = UUID.randomUUID();
        publish(new InvitationResent(UUID.randomUUID(), Instant.now(), org.id, org.admin, bobInvitation, bob,
                Instant.now().plus(3, ChronoUnit.DAYS), SecretBox.hash(bobToken), SECRETS.seal(bobToken), 1), 3);

        String carl = address("carl");
        String carlToken = SecretBox.newToken();
        UUID carlId = UUID.randomUUID();
        publish(new AccountSetupRequested(UUID.randomUUID(), Instant.now(), org.id, org.admin, carlId, carl, "Carl",
                SECRETS.seal(carlToken), Instant.now().plus(7, ChronoUnit.DAYS)), 1);

        String dora = address("dora");
        String doraToken = SecretBox.newToken();
        UUID doraId = registerUser(dora, "Dora", "Doe");
        publish(new EmailVerificationRequested(UUID.randomUUID(), Instant.now(), null, doraId, doraId, dora,
                SECRETS.seal(doraToken), Instant.now().plus(1, ChronoUnit.DAYS)), 1);

        String eve = address("eve");
        UUID eveId = registerUser(eve, "Eve", "<i>Evil</i>");
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org.id, org.admin, eveId, List.of("member", "billing-manager"),
                List.of(), JoinPath.INVITATION, UUID.randomUUID()), org.nextSequence());

        String gus = address("gus");
        UUID gusId = registerUser(gus, "Gus", "Left");
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org.id, org.admin, gusId, List.of("member"), List.of(),
                JoinPath.DIRECT, null), org.nextSequence());
        MemberRemoved gusLeft = new MemberRemoved(UUID.randomUUID(), Instant.now(), org.id, gusId, gusId, gusId, RemovalReason.LEFT, null);
        publish(gusLeft, org.nextSequence());

        String finn = address("finn");
        UUID finnId = registerUser(finn, "Finn", "Gone");
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org.id, org.admin, finnId, List.of("member"), List.of(),
                JoinPath.DIRECT, null), org.nextSequence());
        publish(new MemberRemoved(UUID.randomUUID(), Instant.now(), org.id, org.admin, finnId, org.admin, RemovalReason.REMOVED, null),
                org.nextSequence());

        String escapedOrg = "Acme &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co";

        Mail invitation = single(PLATFORM, ann);
        assertThat(invitation.subject()).isEqualTo("<b>Ivy</b> Admin invited you to join " + orgName + " on Roster");
        assertThat(invitation.from()).isEqualTo("Roster <" + PLATFORM_SENDER + ">");
        assertThat(invitation.contentType()).startsWith("multipart/alternative");
        assertThat(invitation.text()).contains("Hello <script>Ann</script>,", "<b>Ivy</b> Admin has invited you to join " + orgName,
                PUBLIC_BASE_URL + "/invite/" + annToken, "as member");
        assertThat(invitation.html()).contains("Hello &lt;script&gt;Ann&lt;/script&gt;,", "&lt;b&gt;Ivy&lt;/b&gt; Admin", escapedOrg,
                "href=\"" + PUBLIC_BASE_URL + "/invite/" + annToken + "\"").doesNotContain("<script", "<b>Ivy");
        assertThat(invitation.messageId()).isEqualTo("<" + invitation.notificationId() + "@roster.notification>");

        Mail resent = single(PLATFORM, bob);
        assertThat(resent.subject()).isEqualTo("Reminder: you are invited to join " + orgName + " on Roster");
        assertThat(resent.text()).contains(PUBLIC_BASE_URL + "/invite/" + bobToken, orgName);
        assertThat(resent.html()).contains("href=\"" + PUBLIC_BASE_URL + "/invite/" + bobToken + "\"", escapedOrg).doesNotContain("<script");

        Mail setup = single(PLATFORM, carl);
        assertThat(setup.subject()).isEqualTo(orgName + " created your Roster account: set your password");
        assertThat(setup.text()).contains("Hello Carl,", PUBLIC_BASE_URL + "/account-setup?token=" + carlToken, orgName);
        assertThat(setup.html()).contains("href=\"" + PUBLIC_BASE_URL + "/account-setup?token=" + carlToken + "\"", escapedOrg)
                .doesNotContain("<script");

        Mail verification = single(PLATFORM, dora);
        assertThat(verification.subject()).isEqualTo("Verify your email address for Roster");
        assertThat(verification.text()).contains("Hello Dora,", dora, PUBLIC_BASE_URL + "/verify-email?token=" + doraToken)
                .contains("Sent by Roster.");
        assertThat(verification.html()).contains("href=\"" + PUBLIC_BASE_URL + "/verify-email?token=" + doraToken + "\"");

        Mail welcome = single(PLATFORM, eve);
        assertThat(welcome.subject()).isEqualTo("Welcome to " + orgName + " on Roster");
        assertThat(welcome.text()).contains("Hello Eve,", "You are now a member of " + orgName, "as member, billing-manager",
                "Added by <b>Ivy</b> Admin");
        assertThat(welcome.html()).contains(escapedOrg, "&lt;b&gt;Ivy&lt;/b&gt; Admin").doesNotContain("<script", "<b>");

        await().atMost(WAIT).until(() -> PLATFORM.to(finn).size() == 2);
        Mail removal = PLATFORM.to(finn).stream().map(Mail::of).filter(m -> m.subject().startsWith("You are no longer"))
                .findFirst().orElseThrow();
        assertThat(removal.subject()).isEqualTo("You are no longer a member of " + orgName);
        assertThat(removal.text()).contains("You were removed from " + orgName + " on Roster by <b>Ivy</b> Admin");
        assertThat(removal.html()).contains(escapedOrg).doesNotContain("<script");

        // who gets nothing: the creator joining their own organization, a member who left on their own
        assertThat(delivery(gusLeft.eventId())).isNull();
        assertThat(deliveries().countDocuments(Filters.eq("recipientUserId", org.admin.toString()))).isZero();
        await().atMost(WAIT).until(() -> PLATFORM.to(gus).size() == 1);
        assertThat(Mail.of(PLATFORM.to(gus).get(0)).subject()).startsWith("Welcome");

        try (TopicReader outcomes = new TopicReader(Topics.NOTIFICATION)) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes.matching(r -> r.key().equals(invitation.notificationId())))
                    .singleElement().satisfies(record -> {
                        EventEnvelope envelope = TestEnvironment.decode(record);
                        assertThat(envelope.sequenceNumber()).isZero();
                        assertThat(envelope.event()).isInstanceOfSatisfying(NotificationSent.class, sent -> {
                            assertThat(sent.triggeringEventId()).isEqualTo(issued.eventId());
                            assertThat(sent.invitationId()).isEqualTo(issued.invitationId());
                            assertThat(sent.kind()).isEqualTo(NotificationKind.INVITATION);
                            assertThat(sent.recipient()).isEqualTo(ann);
                            assertThat(sent.organizationId()).isEqualTo(org.id);
                            assertThat(sent.attempts()).isEqualTo(1);
                            assertThat(sent.viaPlatform()).as("the platform's server took it").isTrue();
                        });
                    }));
        }
    }

    /**
     * An organization admin who runs the organization's SMTP server reads every invitation it carries, token included:
     * such an email must never count as proof of the address (PRODUCT.md §3a). Its NotificationSent says it did not go
     * through the platform, and the invitation service, reading that, does not let its acceptance verify the address.
     */
    @Test
    void anEmailThatWentThroughAnOrganizationsOwnServerIsNotSaidToComeFromThePlatform() {
        Org org = organization("Own Relay Co");
        putSettings(org, ORG_SMTP_PASSWORD, "hr@own-relay.test", "Own Relay HR").expectStatus().isOk();
        String invitee = address("relayed");
        InvitationIssued issued = invitation(org, invitee, "Rae", SecretBox.newToken());
        publish(issued, 0);
        single(ORG_SMTP, invitee);
        assertThat(PLATFORM.to(invitee)).isEmpty();

        try (TopicReader outcomes = new TopicReader(Topics.NOTIFICATION)) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes.records().stream()
                    .map(TestEnvironment::decode).map(EventEnvelope::event)
                    .filter(e -> e instanceof NotificationSent s && s.triggeringEventId().equals(issued.eventId())))
                    .singleElement().satisfies(e -> assertThat(((NotificationSent) e).viaPlatform()).isFalse()));
        }
    }

    @Test
    void aWelcomeWaitsForTheAddressOfAUserWhoseRegistrationArrivesLater() {
        Org org = organization("Late Facts Ltd");
        UUID userId = UUID.randomUUID();
        String address = address("late");
        MemberAdded added = new MemberAdded(UUID.randomUUID(), Instant.now(), org.id, org.admin, userId, List.of("member"), List.of(),
                JoinPath.DIRECT, null);
        publish(added, org.nextSequence());
        await().atMost(WAIT).untilAsserted(() -> {
            Document waiting = delivery(added.eventId());
            assertThat(waiting).isNotNull();
            assertThat(waiting.getString("lastError")).contains("waiting for the address of user " + userId);
        });

        publish(new UserRegistered(UUID.randomUUID(), Instant.now(), null, org.admin, userId, address, "Lea", "Late",
                RegistrationSource.ADMIN, false), 0);

        Mail welcome = single(PLATFORM, address);
        assertThat(welcome.subject()).isEqualTo("Welcome to Late Facts Ltd on Roster");
        assertThat(delivery(added.eventId()).getInteger("attempts")).isEqualTo(1);
    }

    // ---------------------------------------------------------------- exactly once

    @Test
    void aRecordDeliveredTwiceSendsOneEmail() {
        Org org = organization("Twice Inc");
        String twice = address("twice");
        InvitationIssued issued = invitation(org, twice, "Tom", SecretBox.newToken());
        String sentinelAddress = address("sentinel");
        // the same record twice, then a sentinel behind them on the same partition
        publish(issued, 0, 0);
        publish(issued, 0, 0);
        publish(invitation(org, sentinelAddress, "Sam", SecretBox.newToken()), 0, 0);

        single(PLATFORM, sentinelAddress);
        single(PLATFORM, twice);
        assertThat(deliveries().countDocuments(Filters.eq("triggeringEventId", issued.eventId().toString()))).isEqualTo(1);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> PLATFORM.to(twice).size() == 1);
    }

    /**
     * Issue 17 item 6: an InvitationReminderSent emails the invitee one reminder with the same link as their invitation
     * email (the event carries the same sealed token), its subject naming the organization and the expiry; the record
     * delivered again sends nothing more.
     */
    @Test
    void aReminderEmailsTheInvitationsOwnLinkOnceEvenWhenItsRecordComesTwice() {
        Org org = organization("Remind Me Ltd");
        String invitee = address("reminded");
        String token = SecretBox.newToken();
        InvitationIssued issued = invitation(org, invitee, "Rita", token);
        Instant expiresAt = Instant.parse("2031-05-04T09:30:00Z");
        InvitationReminderSent reminder = new InvitationReminderSent(UUID.randomUUID(), Instant.now(), org.id, null,
                issued.invitationId(), invitee, expiresAt, issued.token());
        String sentinel = address("sentinel");
        publish(issued, 0, 0);
        publish(reminder, 1, 0);
        publish(reminder, 1, 0);
        publish(invitation(org, sentinel, "Sam", SecretBox.newToken()), 0, 0);

        single(PLATFORM, sentinel);
        await().atMost(WAIT).until(() -> PLATFORM.to(invitee).size() >= 2);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> PLATFORM.to(invitee).size() == 2);
        Mail reminded = PLATFORM.to(invitee).stream().map(Mail::of).filter(m -> m.subject().startsWith("Reminder:")).findFirst()
                .orElseThrow(() -> new AssertionError("no reminder among " + PLATFORM.to(invitee).size() + " emails to " + invitee));
        org.assertj.core.api.SoftAssertions softly = new org.assertj.core.api.SoftAssertions();
        softly.assertThat(reminded.subject()).isEqualTo("Reminder: your invitation to Remind Me Ltd expires 4 May 2031, 09:30 UTC");
        softly.assertThat(reminded.text()).contains(PUBLIC_BASE_URL + "/invite/" + token, "Remind Me Ltd");
        softly.assertThat(reminded.html()).contains("href=\"" + PUBLIC_BASE_URL + "/invite/" + token + "\"");
        softly.assertThat(deliveries().countDocuments(Filters.eq("triggeringEventId", reminder.eventId().toString())))
                .as("deliveries of the reminder event").isEqualTo(1);
        softly.assertThat(delivery(reminder.eventId()).getString("kind")).isEqualTo("invitation-reminder");
        softly.assertThat(delivery(reminder.eventId()).getString("invitationId")).isEqualTo(issued.invitationId().toString());
        softly.assertAll();
    }

    /**
     * A removed admin's MemberAdded delivered again (a republish, a dead letter sent back) is older than the removal:
     * it changes nothing, so the removed admin does not get the delivery log back, and no second welcome is recorded.
     */
    @Test
    void anOlderEventDeliveredAgainAfterANewerOneChangesNothing() {
        Org org = organization("Stale Ltd");
        UUID formerAdmin = registerUser(address("former"), "Fay", "Former");
        long addedAt = org.nextSequence();
        MemberAdded added = new MemberAdded(UUID.randomUUID(), Instant.now(), org.id, org.admin, formerAdmin, List.of("admin"),
                List.of(), JoinPath.DIRECT, null);
        publish(added, addedAt);
        publish(new MemberRemoved(UUID.randomUUID(), Instant.now(), org.id, org.admin, formerAdmin, org.admin,
                RemovalReason.REMOVED, null), org.nextSequence());
        // a non-member is told the organization is not there, as a stranger is
        String formerToken = TestTokenIssuer.get().tokenFor(formerAdmin, "former@x.io", List.of());
        await().atMost(WAIT).untilAsserted(() -> web.get().uri("/api/v1/organizations/{id}/notifications", org.id)
                .headers(h -> h.setBearerAuth(formerToken)).exchange().expectStatus().isNotFound());

        publish(added, addedAt);
        // a sentinel behind it on the same partition (the organization's) tells when it was read
        long sentinel = org.nextSequence();
        publish(new MemberRolesChanged(UUID.randomUUID(), Instant.now(), org.id, org.admin, org.admin, List.of("admin")), sentinel);
        await().atMost(WAIT).until(() -> appliedSequence(org.id) == sentinel);

        web.get().uri("/api/v1/organizations/{id}/notifications", org.id).headers(h -> h.setBearerAuth(formerToken)).exchange()
                .expectStatus().isNotFound();
        assertThat(mongo.getCollection("memberships-v1").countDocuments(Filters.eq("_id", org.id + ":" + formerAdmin))).isZero();
        assertThat(deliveries().countDocuments(Filters.eq("triggeringEventId", added.eventId().toString()))).isEqualTo(1);
    }

    /** An admin whose membership expired loses the delivery log as a removed one does; the expiry itself emails nobody. */
    @Test
    void anExpiredMembershipEndsAccessAndSendsNoEmail() {
        Org org = organization("Lapsed Ltd");
        UUID lapsedAdmin = registerUser(address("lapsed"), "Lou", "Lapsed");
        Instant end = Instant.now().plusSeconds(1);
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org.id, org.admin, lapsedAdmin, List.of("admin"),
                List.of(), JoinPath.DIRECT, null, end), org.nextSequence());
        String lapsedToken = TestTokenIssuer.get().tokenFor(lapsedAdmin, "lapsed@x.io", List.of());
        await().atMost(WAIT).untilAsserted(() -> web.get().uri("/api/v1/organizations/{id}/notifications", org.id)
                .headers(h -> h.setBearerAuth(lapsedToken)).exchange().expectStatus().isOk());

        MemberExpired expired = new MemberExpired(UUID.randomUUID(), end, org.id, null, lapsedAdmin, end);
        long expiredAt = org.nextSequence();
        publish(expired, expiredAt);
        await().atMost(WAIT).until(() -> appliedSequence(org.id) == expiredAt);

        web.get().uri("/api/v1/organizations/{id}/notifications", org.id).headers(h -> h.setBearerAuth(lapsedToken)).exchange()
                .expectStatus().isNotFound();
        assertThat(mongo.getCollection("memberships-v1").countDocuments(Filters.eq("_id", org.id + ":" + lapsedAdmin))).isZero();
        assertThat(deliveries().countDocuments(Filters.eq("triggeringEventId", expired.eventId().toString()))).isZero();
    }

    private long appliedSequence(UUID aggregate) {
        var document = mongo.getCollection("applied-sequences-v1").find(Filters.eq("_id", aggregate.toString())).first();
        return document == null ? -1 : document.get("sequence", Number.class).longValue();
    }

    @Test
    void eventsOlderThanTheServicesFirstStartSendNothing() {
        Org org = organization("History Corp");
        String old = address("history");
        InvitationIssued fromHistory = new InvitationIssued(UUID.randomUUID(), Instant.now().minus(1, ChronoUnit.DAYS), org.id, org.admin,
                UUID.randomUUID(), old, "Hal", "Story", List.of("member"), List.of(), Instant.now().plus(2, ChronoUnit.DAYS),
                "hash", SECRETS.seal("old-token"), null);
        String now = address("current");
        publish(fromHistory, 0, 0);
        publish(invitation(org, now, "Cur", SecretBox.newToken()), 0, 0);

        single(PLATFORM, now);
        assertThat(delivery(fromHistory.eventId())).isNull();
        assertThat(PLATFORM.to(old)).isEmpty();
    }

    @Test
    void aPoisonRecordGoesToTheDeadLetterTopicAndTheEmailsBehindItStillGoOut() {
        Org org = organization("Poison Ltd");
        byte[] poison = ("poison " + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        try {
            kafka.send(new ProducerRecord<>(Topics.INVITATION, 0, UUID.randomUUID().toString(), poison)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String after = address("after-poison");
        publish(invitation(org, after, "Pia", SecretBox.newToken()), 0, 0);

        single(PLATFORM, after);
        try (TopicReader deadLetters = new TopicReader(Topics.deadLetter(Topics.INVITATION))) {
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(deadLetters.matching(r -> java.util.Arrays.equals(r.value(), poison))).hasSize(1));
        }
    }

    // ---------------------------------------------------------------- failures

    @Test
    void whileThePlatformSmtpServerIsDownEmailsWaitAndRetryOtherOrganizationsGoOnAndThenEveryEmailArrivesOnce() {
        Org platformOrg = organization("Waiting Co");
        Org ownSmtpOrg = organization("Own Server Co");
        putSettings(ownSmtpOrg, ORG_SMTP_PASSWORD, "news@own-server.test", "Own Server News").expectStatus().isOk();

        PLATFORM.stop();
        Instant down = Instant.now();
        try {
            String a1 = address("a1");
            String a2 = address("a2");
            String a3 = address("a3");
            InvitationIssued first = invitation(platformOrg, a1, "A", SecretBox.newToken());
            publish(first, 0);
            publish(invitation(platformOrg, a2, "B", SecretBox.newToken()), 0);
            InvitationIssued third = invitation(platformOrg, a3, "C", SecretBox.newToken());
            publish(third, 0);
            String newToken = SecretBox.newToken();
            publish(new InvitationResent(UUID.randomUUID(), Instant.now(), platformOrg.id, platformOrg.admin, third.invitationId(), a3,
                    Instant.now().plus(3, ChronoUnit.DAYS), SecretBox.hash(newToken), SECRETS.seal(newToken), 1), 1);
            String b1 = address("b1");
            publish(invitation(ownSmtpOrg, b1, "Own", SecretBox.newToken()), 0);

            // the organization with its own server is not held up by the platform's outage
            Mail own = single(ORG_SMTP, b1);
            assertThat(own.from()).isEqualTo("Own Server News <news@own-server.test>");
            assertThat(PLATFORM.all()).isEmpty();

            // the platform's emails wait and retry with backoff, visibly in the delivery log
            // the outage lasts 30 s (the issue's scenario), far longer than the test's fast backoff steps
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(Duration.between(down, Instant.now())).isGreaterThan(Duration.ofSeconds(30));
                logOf(platformOrg, "").jsonPath("$.items[?(@.recipient == '" + a1 + "')].status").isEqualTo("retrying")
                        .jsonPath("$.items[?(@.recipient == '" + a1 + "')].lastError").value(errors ->
                                assertThat(errors.toString()).contains("cannot reach the SMTP server"))
                        .jsonPath("$.items[?(@.recipient == '" + a1 + "')].attempts").value(attempts ->
                                assertThat(((List<?>) attempts).get(0)).isInstanceOfSatisfying(Integer.class, n -> assertThat(n).isGreaterThanOrEqualTo(3)));
            });

            PLATFORM.start();
            single(PLATFORM, a1);
            single(PLATFORM, a2);
            Mail reminder = single(PLATFORM, a3);
            assertThat(reminder.subject()).startsWith("Reminder");
            assertThat(reminder.text()).contains("/invite/" + newToken);
            // the first invitation's email, superseded by the resend, is cancelled (at once if it was waiting,
            // at its next attempt if a worker held it when the resend came)
            await().atMost(WAIT).until(() -> "cancelled".equals(delivery(third.eventId()).getString("status")));
            assertThat(delivery(first.eventId()).getString("status")).isEqualTo("sent");
            assertThat(delivery(first.eventId()).getInteger("attempts")).isGreaterThanOrEqualTo(2);
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                    PLATFORM.to(a1).size() == 1 && PLATFORM.to(a2).size() == 1 && PLATFORM.to(a3).size() == 1);

            try (TopicReader outcomes = new TopicReader(Topics.NOTIFICATION)) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes.records().stream()
                        .map(TestEnvironment::decode).map(EventEnvelope::event)
                        .filter(e -> e instanceof NotificationSent s && s.triggeringEventId().equals(first.eventId())))
                        .singleElement().satisfies(e -> assertThat(((NotificationSent) e).attempts()).isGreaterThanOrEqualTo(2)));
            }
        } finally {
            if (!platformRunning()) {
                PLATFORM.start();
            }
        }
    }

    @Test
    void aPermanentFailureFailsAtOnceWithNotificationFailedADeadLetterAndTheDeliveryLogShowsIt() {
        Org org = organization("Wrong Password Co");
        putSettings(org, "not-the-password", "mail@wrong.test", "Wrong").expectStatus().isOk();
        String refused = address("refused");
        InvitationIssued issued = invitation(org, refused, "Rita", SecretBox.newToken());
        publish(issued, 0);

        Org platformOrg = organization("Bad Address Co");
        InvitationIssued badAddress = invitation(platformOrg, "not an address", "Nobody", SecretBox.newToken());
        publish(badAddress, 0);

        await().atMost(WAIT).untilAsserted(() -> logOf(org, "?status=failed")
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].recipient").isEqualTo(refused)
                .jsonPath("$.items[0].kind").isEqualTo("invitation")
                .jsonPath("$.items[0].attempts").isEqualTo(1)
                .jsonPath("$.items[0].lastError").value(error -> assertThat((String) error).contains("535")));
        await().atMost(WAIT).untilAsserted(() -> logOf(platformOrg, "?status=failed")
                .jsonPath("$.items[0].attempts").isEqualTo(1)
                .jsonPath("$.items[0].lastError").value(error -> assertThat((String) error).contains("not an email address")));

        UUID notificationId = UUID.fromString(delivery(issued.eventId()).getString("_id"));
        try (TopicReader outcomes = new TopicReader(Topics.NOTIFICATION);
             TopicReader deadLetters = new TopicReader(Topics.deadLetter(Topics.INVITATION))) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(outcomes.matching(r -> r.key().equals(notificationId.toString())))
                    .singleElement().satisfies(record -> assertThat(TestEnvironment.decode(record).event())
                            .isInstanceOfSatisfying(NotificationFailed.class, failed -> {
                                assertThat(failed.triggeringEventId()).isEqualTo(issued.eventId());
                                assertThat(failed.recipient()).isEqualTo(refused);
                                assertThat(failed.attempts()).isEqualTo(1);
                                assertThat(failed.error()).contains("535");
                            })));
            await().atMost(WAIT).untilAsserted(() -> assertThat(deadLetters.matching(r -> header(r, "ce_id").equals(issued.eventId().toString())))
                    .singleElement().satisfies(record -> {
                        assertThat(header(record, "roster_notification_id")).isEqualTo(notificationId.toString());
                        assertThat(header(record, "kafka_dlt-exception-message")).contains("535");
                        assertThat(TestEnvironment.decode(record).event()).isEqualTo(issued);
                    }));
        }
        assertThat(ORG_SMTP.to(refused)).isEmpty();
    }

    // ---------------------------------------------------------------- email settings

    @Test
    void emailSettingsAreValidatedKeepThePasswordSealedAndNeverReturnIt() {
        Org org = organization("Settings Co");
        Map<String, Object> bad = new LinkedHashMap<>();
        bad.put("host", "not a host!");
        bad.put("port", 0);
        bad.put("tlsMode", "ssl");
        bad.put("password", "orphan");
        bad.put("senderAddress", "nobody");
        bad.put("senderName", "two\nlines");
        web.put().uri("/api/v1/organizations/{id}/email-settings", org.id).headers(org.auth()).bodyValue(bad).exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[*].field").value(fields -> assertThat(strings(fields))
                        .containsExactlyInAnyOrder("host", "port", "tlsMode", "password", "senderAddress", "senderName"));
        web.put().uri("/api/v1/organizations/{id}/email-settings", org.id).headers(org.auth())
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{not json").exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("malformed_request");
        web.get().uri("/api/v1/organizations/{id}/email-settings", org.id).headers(org.auth()).exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("not_found");

        putSettings(org, ORG_SMTP_PASSWORD, "team@settings.test", "Settings Team").expectStatus().isOk()
                .expectBody().jsonPath("$.passwordSet").isEqualTo(true).jsonPath("$.password").doesNotExist()
                .jsonPath("$.tlsMode").isEqualTo("none");
        web.get().uri("/api/v1/organizations/{id}/email-settings", org.id).headers(org.auth()).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.host").isEqualTo("127.0.0.1")
                .jsonPath("$.port").isEqualTo(ORG_SMTP.port())
                .jsonPath("$.username").isEqualTo(ORG_SMTP_USER)
                .jsonPath("$.passwordSet").isEqualTo(true)
                .jsonPath("$.senderAddress").isEqualTo("team@settings.test")
                .jsonPath("$.senderName").isEqualTo("Settings Team")
                .jsonPath("$.password").doesNotExist();
        Document stored = mongo.getCollection("email-settings-v1").find(Filters.eq("_id", org.id.toString())).first();
        assertThat(stored.toJson()).doesNotContain(ORG_SMTP_PASSWORD);
        assertThat(SECRETS.open(new io.roster.events.EncryptedSecret(stored.get("password", Document.class).getString("keyId"),
                stored.get("password", Document.class).getString("ciphertext")))).isEqualTo(ORG_SMTP_PASSWORD);

        // changing the sender without sending the password again keeps it
        Map<String, Object> keep = settingsBody(null, "other@settings.test", "Other");
        keep.remove("password");
        web.put().uri("/api/v1/organizations/{id}/email-settings", org.id).headers(org.auth()).bodyValue(keep).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.passwordSet").isEqualTo(true);

        // a test email goes through the organization's server, once per Idempotency-Key
        String to = address("settings-test");
        String key = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            web.post().uri("/api/v1/organizations/{id}/email-settings/test", org.id).headers(org.auth())
                    .header("Idempotency-Key", key).bodyValue(Map.of("to", to)).exchange()
                    .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("sent").jsonPath("$.recipient").isEqualTo(to);
        }
        Mail test = single(ORG_SMTP, to);
        assertThat(test.from()).isEqualTo("Other <other@settings.test>");
        assertThat(test.subject()).isEqualTo("Test email from Roster for Settings Co");
        web.post().uri("/api/v1/organizations/{id}/email-settings/test", org.id).headers(org.auth())
                .header("Idempotency-Key", key).bodyValue(Map.of("to", address("someone-else"))).exchange()
                .expectStatus().isEqualTo(409).expectBody().jsonPath("$.code").isEqualTo("idempotency_key_reused");
        web.post().uri("/api/v1/organizations/{id}/email-settings/test", org.id).headers(org.auth())
                .bodyValue(Map.of("to", "nope")).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("to");
        logOf(org, "?kind=test").jsonPath("$.items.length()").isEqualTo(1).jsonPath("$.items[0].status").isEqualTo("sent");

        // removing the settings sends through the platform server again
        web.delete().uri("/api/v1/organizations/{id}/email-settings", org.id).headers(org.auth()).exchange().expectStatus().isNoContent();
        String afterwards = address("back-to-platform");
        publish(invitation(org, afterwards, "Pat", SecretBox.newToken()), 0);
        assertThat(single(PLATFORM, afterwards).from()).isEqualTo("Roster <" + PLATFORM_SENDER + ">");
    }

    @Test
    void onlyAdminsOfTheOrganizationAndProviderAdminsManageSettingsAndReadTheLog() {
        Org org = organization("Guarded Co");
        UUID member = UUID.randomUUID();
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org.id, org.admin, member, List.of("admin"), List.of(),
                JoinPath.DIRECT, null), org.nextSequence());
        publish(new MemberRolesChanged(UUID.randomUUID(), Instant.now(), org.id, org.admin, member, List.of("member")), org.nextSequence());
        String memberToken = TestTokenIssuer.get().tokenFor(member, "member@x.io", List.of());
        await().atMost(WAIT).untilAsserted(() -> web.get().uri("/api/v1/organizations/{id}/notifications", org.id)
                .headers(h -> h.setBearerAuth(memberToken)).exchange()
                .expectStatus().isForbidden().expectBody().jsonPath("$.code").isEqualTo("forbidden"));
        web.put().uri("/api/v1/organizations/{id}/email-settings", org.id).headers(h -> h.setBearerAuth(memberToken))
                .bodyValue(settingsBody(ORG_SMTP_PASSWORD, "x@guarded.test", null)).exchange().expectStatus().isForbidden();
        web.post().uri("/api/v1/organizations/{id}/email-settings/test", org.id).headers(h -> h.setBearerAuth(memberToken))
                .bodyValue(Map.of("to", "a@b.io")).exchange().expectStatus().isForbidden();

        String strangerToken = TestTokenIssuer.get().tokenFor(UUID.randomUUID(), "stranger@x.io", List.of());
        web.get().uri("/api/v1/organizations/{id}/email-settings", org.id).headers(h -> h.setBearerAuth(strangerToken)).exchange()
                .expectStatus().isNotFound().expectBody().jsonPath("$.code").isEqualTo("not_found");
        web.get().uri("/api/v1/organizations/{id}/notifications", org.id).exchange()
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("unauthenticated");

        String providerToken = TestTokenIssuer.get().tokenFor(UUID.randomUUID(), "root@roster.io", List.of("provider-admin"));
        web.put().uri("/api/v1/organizations/{id}/email-settings", org.id).headers(h -> h.setBearerAuth(providerToken))
                .bodyValue(settingsBody(ORG_SMTP_PASSWORD, "x@guarded.test", null)).exchange().expectStatus().isOk();
        web.get().uri("/api/v1/organizations/{id}/notifications", org.id).headers(h -> h.setBearerAuth(providerToken)).exchange()
                .expectStatus().isOk();
        web.get().uri("/api/v1/organizations/{id}/notifications", UUID.randomUUID()).headers(h -> h.setBearerAuth(providerToken)).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void theDeliveryLogIsPagedNewestFirst() {
        Org org = organization("Paged Co");
        List<String> recipients = List.of(address("p1"), address("p2"), address("p3"));
        recipients.forEach(r -> publish(invitation(org, r, "P", SecretBox.newToken()), 0, 0));
        recipients.forEach(r -> single(PLATFORM, r));
        await().atMost(WAIT).untilAsserted(() -> logOf(org, "?status=sent").jsonPath("$.items.length()").isEqualTo(3));

        String[] cursor = new String[1];
        logOf(org, "?limit=2").jsonPath("$.items.length()").isEqualTo(2)
                .jsonPath("$.items[0].recipient").isEqualTo(recipients.get(2))
                .jsonPath("$.items[1].recipient").isEqualTo(recipients.get(1))
                .jsonPath("$.items[0].kind").isEqualTo("invitation")
                .jsonPath("$.items[0].status").isEqualTo("sent")
                .jsonPath("$.items[0].attempts").isEqualTo(1)
                .jsonPath("$.items[0].sentAt").isNotEmpty()
                .jsonPath("$.items[0].createdAt").isNotEmpty()
                .jsonPath("$.items[0].triggeringEventId").isNotEmpty()
                .jsonPath("$.nextCursor").value(c -> cursor[0] = (String) c);
        assertThat(cursor[0]).isNotBlank();
        logOf(org, "?limit=2&cursor=" + cursor[0]).jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].recipient").isEqualTo(recipients.get(0))
                .jsonPath("$.nextCursor").isEmpty();

        web.get().uri("/api/v1/organizations/{id}/notifications?limit=500&status=lost&kind=fax", org.id).headers(org.auth()).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[*].field").value(fields -> assertThat(strings(fields)).containsExactly("limit", "status", "kind"));

        // a limit that is no number is a bad field too, as in the query service (it was malformed_request here)
        web.get().uri("/api/v1/organizations/{id}/notifications?limit=abc&cursor=@@", org.id).headers(org.auth()).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[*].field").value(fields -> assertThat(strings(fields)).containsExactly("limit", "cursor"));
    }

    @Test
    void providerAdminsReadEveryEmailIncludingThoseOfNoOrganizationAndNobodyElseDoes() {
        String gil = address("gil");
        UUID gilId = registerUser(gil, "Gil", "Signup");
        // a sign-up's verification: no organization's log shows it
        publish(new EmailVerificationRequested(UUID.randomUUID(), Instant.now(), null, gilId, gilId, gil,
                SECRETS.seal(SecretBox.newToken()), Instant.now().plus(1, ChronoUnit.DAYS)), 1);
        single(PLATFORM, gil);

        String providerToken = TestTokenIssuer.get().tokenFor(UUID.randomUUID(), "root@roster.io", List.of("provider-admin"));
        await().atMost(WAIT).untilAsserted(() -> web.get().uri("/api/v1/notifications?userId={user}&status=sent", gilId)
                .headers(h -> h.setBearerAuth(providerToken)).exchange()
                .expectStatus().isOk().expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].recipient").isEqualTo(gil)
                .jsonPath("$.items[0].kind").isEqualTo("email-verification")
                .jsonPath("$.items[0].userId").isEqualTo(gilId.toString())
                .jsonPath("$.items[0].organizationId").doesNotExist());
        web.get().uri("/api/v1/notifications?recipient={address}", gil).headers(h -> h.setBearerAuth(providerToken)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items[*].recipient").value(r -> assertThat(strings(r)).containsOnly(gil));
        // an address is found in whatever letter case it is typed
        web.get().uri("/api/v1/notifications?recipient={address}", gil.toUpperCase(Locale.ROOT)).headers(h -> h.setBearerAuth(providerToken))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.items[*].recipient")
                .value(r -> assertThat(strings(r)).isNotEmpty().containsOnly(gil));
        web.get().uri("/api/v1/notifications?limit=1").headers(h -> h.setBearerAuth(providerToken)).exchange()
                .expectStatus().isOk().expectBody().jsonPath("$.items.length()").isEqualTo(1).jsonPath("$.nextCursor").isNotEmpty();

        web.get().uri("/api/v1/notifications?userId=not-a-uuid&kind=fax").headers(h -> h.setBearerAuth(providerToken)).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("validation_failed")
                .jsonPath("$.errors[*].field").value(fields -> assertThat(strings(fields)).containsExactlyInAnyOrder("kind", "userId"));
        String adminOfAnOrganization = TestTokenIssuer.get().tokenFor(organization("Curious Co").admin(), "admin@curious.io", List.of());
        web.get().uri("/api/v1/notifications").headers(h -> h.setBearerAuth(adminOfAnOrganization)).exchange()
                .expectStatus().isForbidden().expectBody().jsonPath("$.code").isEqualTo("forbidden");
        web.get().uri("/api/v1/notifications").exchange().expectStatus().isUnauthorized();
    }

    // ---------------------------------------------------------------- helpers

    private record Org(UUID id, UUID admin, int[] sequence) {
        long nextSequence() {
            return ++sequence[0];
        }

        Consumer<HttpHeaders> auth() {
            String token = TestTokenIssuer.get().tokenFor(admin, "admin-" + id + "@example.com", List.of());
            return h -> h.setBearerAuth(token);
        }
    }

    /** An organization with an admin (its creator), as the identity service would announce it; waits until it is known. */
    private Org organization(String name) {
        UUID id = UUID.randomUUID();
        UUID admin = registerUser("admin-" + id + "@example.com", "Ada", "Admin");
        publish(new OrganizationCreated(UUID.randomUUID(), Instant.now(), id, admin, name), 0);
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), id, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null), 1);
        await().atMost(WAIT).until(() -> mongo.getCollection("memberships-v1").countDocuments(Filters.eq("_id", id + ":" + admin)) == 1);
        return new Org(id, admin, new int[] {1});
    }

    private UUID registerUser(String email, String firstName, String lastName) {
        UUID id = UUID.randomUUID();
        publish(new UserRegistered(UUID.randomUUID(), Instant.now(), null, null, id, email, firstName, lastName,
                RegistrationSource.ADMIN, false), 0);
        return id;
    }

    private static InvitationIssued invitation(Org org, String email, String firstName, String token) {
        return new InvitationIssued(UUID.randomUUID(), Instant.now(), org.id, org.admin, UUID.randomUUID(), email, firstName, "Tester",
                List.of("member"), List.of(), Instant.now().plus(3, ChronoUnit.DAYS), SecretBox.hash(token), SECRETS.seal(token), null);
    }

    private WebTestClient.ResponseSpec putSettings(Org org, String password, String sender, String senderName) {
        return web.put().uri("/api/v1/organizations/{id}/email-settings", org.id).headers(org.auth())
                .bodyValue(settingsBody(password, sender, senderName)).exchange();
    }

    private static Map<String, Object> settingsBody(String password, String sender, String senderName) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("host", "127.0.0.1");
        body.put("port", ORG_SMTP.port());
        body.put("tlsMode", "none");
        body.put("username", ORG_SMTP_USER);
        body.put("password", password);
        body.put("senderAddress", sender);
        body.put("senderName", senderName);
        return body;
    }

    private WebTestClient.BodyContentSpec logOf(Org org, String query) {
        return web.get().uri("/api/v1/organizations/" + org.id + "/notifications" + query).headers(org.auth()).exchange()
                .expectStatus().isOk().expectBody();
    }

    @Test
    void aPasswordResetAndAnAddressClaimEachMailTheirLinkToThePasswordResetPageThroughThePlatformServer() {
        String rita = address("rita");
        String ritaToken = SecretBox.newToken();
        UUID ritaId = UUID.randomUUID();
        publish(new PasswordResetRequested(UUID.randomUUID(), Instant.now(), null, null, ritaId, rita, "Rita",
                PasswordResetReason.REQUESTED, SECRETS.seal(ritaToken), Instant.now().plus(1, ChronoUnit.HOURS)), 1);
        String olga = address("olga");
        String olgaToken = SecretBox.newToken();
        UUID olgaId = UUID.randomUUID();
        PasswordResetRequested claim = new PasswordResetRequested(UUID.randomUUID(), Instant.now(), null, null, olgaId, olga,
                "<b>Mallory</b>", PasswordResetReason.SIGN_UP_ATTEMPT, SECRETS.seal(olgaToken), Instant.now().plus(1, ChronoUnit.HOURS));
        publish(claim, 1);

        Mail reset = single(PLATFORM, rita);
        assertThat(reset.subject()).isEqualTo("Reset your Roster password");
        assertThat(reset.text()).contains("Hello Rita,", PUBLIC_BASE_URL + "/password-reset?token=" + ritaToken);
        assertThat(reset.html()).contains("href=\"" + PUBLIC_BASE_URL + "/password-reset?token=" + ritaToken + "\"");

        Mail takeBack = single(PLATFORM, olga);
        assertThat(takeBack.subject()).isEqualTo("Your address on Roster: take over the account that uses it");
        // the name the other party typed is not theirs to show the owner
        assertThat(takeBack.text()).contains("Hello,", "tried to sign up", PUBLIC_BASE_URL + "/password-reset?token=" + olgaToken)
                .doesNotContain("Mallory");
        assertThat(takeBack.html()).contains("href=\"" + PUBLIC_BASE_URL + "/password-reset?token=" + olgaToken + "\"")
                .doesNotContain("Mallory");
        await().atMost(WAIT).untilAsserted(() -> assertThat(delivery(claim.eventId())).isNotNull()
                .satisfies(d -> assertThat(d.get("kind")).isEqualTo("address-claim")));
    }

    private void publish(io.roster.events.RosterEvent event, long sequence) {
        TestEnvironment.publish(kafka, event, sequence, null);
    }

    private void publish(io.roster.events.RosterEvent event, long sequence, int partition) {
        TestEnvironment.publish(kafka, event, sequence, partition);
    }

    private com.mongodb.client.MongoCollection<Document> deliveries() {
        return mongo.getCollection("deliveries-v1");
    }

    private Document delivery(UUID triggeringEventId) {
        return deliveries().find(Filters.eq("triggeringEventId", triggeringEventId.toString())).first();
    }

    /** Waits for the one email to an address and returns it. */
    private static Mail single(MailServer server, String address) {
        await().atMost(WAIT).until(() -> !server.to(address).isEmpty());
        assertThat(server.to(address)).hasSize(1);
        return Mail.of(server.to(address).get(0));
    }

    private static String address(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<String> strings(Object jsonList) {
        return ((List<?>) jsonList).stream().map(String::valueOf).toList();
    }

    private static boolean platformRunning() {
        try (var socket = new java.net.Socket("127.0.0.1", PLATFORM.port())) {
            return socket.isConnected();
        } catch (java.io.IOException e) {
            return false;
        }
    }
}

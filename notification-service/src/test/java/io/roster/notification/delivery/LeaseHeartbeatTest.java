package io.roster.notification.delivery;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.roster.events.RosterEvent;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.PasswordResetReason;
import io.roster.events.identity.PasswordResetRequested;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.UserRegistered;
import io.roster.events.invitation.InvitationIssued;
import io.roster.kit.secrets.SecretBox;
import io.roster.notification.MailServer;
import io.roster.notification.TestEnvironment;
import io.roster.testsupport.TestTokenIssuer;
import io.roster.testsupport.fault.TcpProxy;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static io.roster.notification.TestEnvironment.SECRETS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leases renewed by a heartbeat, with the lease and heartbeat the service ships (20 s, 5 s), a real broker, the
 * Mongo-wire server and SMTP servers. Another instance claims emails and dies (it never renews, as a process killed
 * with SIGKILL does not): this service sends them within 30 s of its death, and not before its leases ran out. At
 * the same time one of this service's workers spends longer than a lease inside one SMTP transaction (an
 * organization's server behind a proxy that delays every packet 3 s): its heartbeat keeps the delivery, so it is
 * neither taken away nor declared {@code unknown}, and exactly one email goes out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class LeaseHeartbeatTest {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(LeaseHeartbeatTest.class);

    static final MailServer PLATFORM = MailServer.open();
    static final MailServer ORGANIZATION_SERVER = MailServer.open();
    static final TcpProxy SLOW_LINK = TcpProxy.start(0, "127.0.0.1", ORGANIZATION_SERVER.port());
    static final Duration PER_PACKET = Duration.ofSeconds(3);
    static final Duration WITHIN = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestEnvironment.register(registry, PLATFORM::port);
        // the shipped SMTP timeout: each answer of the slow server comes 6 s late, which the tests' 5 s would not wait for
        registry.add("roster.smtp.timeout", () -> "30s");
    }

    @AfterAll
    static void stopServers() {
        SLOW_LINK.close();
        PLATFORM.close();
        ORGANIZATION_SERVER.close();
    }

    @Autowired
    WebTestClient web;
    @Autowired
    KafkaTemplate<String, byte[]> kafka;
    @Autowired
    MongoDatabase mongo;
    @Autowired
    DeliveryQueue queue;
    @Autowired
    DeliveryWorkers workers;
    @Autowired
    DeliveryProperties properties;
    @Autowired
    LeaseHeartbeat heartbeat;

    @Test
    void aDeadInstancesClaimedEmailsAreSentWithin30sWhileALiveWorkersLongSendKeepsItsLease() {
        assertThat(properties.lease()).isEqualTo(Duration.ofSeconds(20));
        assertThat(properties.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        UUID org = UUID.randomUUID();
        UUID admin = organization(org, "Slow Mail Ltd");
        web.put().uri("/api/v1/organizations/{id}/email-settings", org).headers(h -> h.setBearerAuth(token(org, admin)))
                .bodyValue(Map.of("host", "127.0.0.1", "port", SLOW_LINK.port(), "tlsMode", "none",
                        "senderAddress", "mail@own-server.test", "senderName", "Slow Mail"))
                .exchange().expectStatus().isOk();

        // another instance records five password resets, claims them under its own leases, and dies. This service's
        // workers stand still meanwhile, only so that they do not take the emails first
        workers.stop();
        List<PasswordResetRequested> resets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String address = address("reset-" + i);
            PasswordResetRequested reset = new PasswordResetRequested(UUID.randomUUID(), Instant.now(), null, null,
                    UUID.randomUUID(), address, "Reset", PasswordResetReason.REQUESTED, SECRETS.seal(SecretBox.newToken()),
                    Instant.now().plus(1, ChronoUnit.HOURS));
            resets.add(reset);
            publish(reset, 1);
        }
        await().atMost(WITHIN).until(() -> resets.stream().allMatch(r -> delivery(r.eventId()) != null));
        String deadInstance = "dead-instance/" + UUID.randomUUID();
        Map<UUID, Delivery> claimedByTheDead = new LinkedHashMap<>();
        for (PasswordResetRequested reset : resets) {
            claimedByTheDead.put(reset.eventId(), queue.claim(Delivery.notificationIdFor(reset.eventId()).toString(),
                    Instant.now(), properties.lease(), deadInstance).orElseThrow());
        }
        Instant died = Instant.now();
        workers.start();

        // meanwhile a worker of this service spends longer than a lease in one SMTP transaction
        SLOW_LINK.delay(PER_PACKET);
        String patient = address("patient");
        InvitationIssued slow = new InvitationIssued(UUID.randomUUID(), Instant.now(), org, admin, UUID.randomUUID(), patient,
                "Pat", "Ient", List.of("member"), List.of(), Instant.now().plus(3, ChronoUnit.DAYS),
                SecretBox.hash(SecretBox.newToken()), SECRETS.seal(SecretBox.newToken()), null);
        publish(slow, 0);

        Set<String> slowStatuses = new LinkedHashSet<>();
        Set<Date> slowLeaseEnds = new LinkedHashSet<>();
        AtomicReference<Date> sendingSince = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Document d = delivery(slow.eventId());
            if (d != null) {
                slowStatuses.add(d.getString("status"));
                if ("sending".equals(d.getString("status"))) {
                    sendingSince.compareAndSet(null, d.getDate("updatedAt"));
                    slowLeaseEnds.add(d.getDate("dueAt"));
                }
            }
            return d != null && "sent".equals(d.getString("status"))
                    && resets.stream().allMatch(r -> "sent".equals(delivery(r.eventId()).getString("status")));
        });

        for (PasswordResetRequested reset : resets) {
            Document sent = delivery(reset.eventId());
            Instant sentAt = sent.getDate("sentAt").toInstant();
            assertThat(sentAt).as("not before the dead instance's lease ran out")
                    .isAfterOrEqualTo(claimedByTheDead.get(reset.eventId()).dueAt());
            assertThat(Duration.between(died, sentAt)).as("sent within 30 s of the holder's death").isLessThan(WITHIN);
            assertThat(sent.getString("leaseOwner")).isEqualTo(heartbeat.owner());
            assertThat(sent.getInteger("attempts")).isEqualTo(2);
            assertThat(PLATFORM.to(reset.email())).hasSize(1);
        }

        Document patientDelivery = delivery(slow.eventId());
        assertThat(slowStatuses).as("never taken away, never declared unknown").doesNotContain("unknown").contains("sending");
        Duration inFlight = Duration.between(sendingSince.get().toInstant(), patientDelivery.getDate("sentAt").toInstant());
        assertThat(inFlight).as("the SMTP transaction outlasted one lease").isGreaterThan(properties.lease());
        assertThat(slowLeaseEnds).as("renewed while sending").hasSizeGreaterThanOrEqualTo(3);
        assertThat(patientDelivery.getString("leaseOwner")).isEqualTo(heartbeat.owner());
        assertThat(patientDelivery.getInteger("attempts")).isEqualTo(1);
        assertThat(patientDelivery.getInteger("outcomes")).as("one outcome event: sent, no unknown before it").isEqualTo(1);
        assertThat(ORGANIZATION_SERVER.to(patient)).hasSize(1);
        List<Duration> afterDeath = resets.stream()
                .map(r -> Duration.between(died, delivery(r.eventId()).getDate("sentAt").toInstant())).sorted().toList();
        log.info("dead holder's emails sent {} to {} after its death (lease {}); live send in flight {}, lease renewed {} times",
                afterDeath.get(0), afterDeath.get(afterDeath.size() - 1), properties.lease(), inFlight, slowLeaseEnds.size() - 1);
    }

    // ---------------------------------------------------------------- helpers

    /** An organization with an admin, as the identity service would announce it; waits until the admin is a member. */
    private UUID organization(UUID id, String name) {
        UUID admin = UUID.randomUUID();
        publish(new UserRegistered(UUID.randomUUID(), Instant.now(), null, null, admin, "admin-" + id + "@example.com", "Ada",
                "Admin", RegistrationSource.ADMIN, false), 0);
        publish(new OrganizationCreated(UUID.randomUUID(), Instant.now(), id, admin, name), 0);
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), id, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null), 1);
        await().atMost(WITHIN).until(() -> mongo.getCollection("memberships-v1").countDocuments(Filters.eq("_id", id + ":" + admin)) == 1);
        return admin;
    }

    private static String token(UUID org, UUID admin) {
        return TestTokenIssuer.get().tokenFor(admin, "admin-" + org + "@example.com", List.of());
    }

    private void publish(RosterEvent event, long sequence) {
        TestEnvironment.publish(kafka, event, sequence, null);
    }

    private Document delivery(UUID triggeringEventId) {
        MongoCollection<Document> deliveries = mongo.getCollection(DeliveryDocuments.COLLECTION);
        return deliveries.find(Filters.eq("triggeringEventId", triggeringEventId.toString())).first();
    }

    private static String address(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }
}

package io.roster.notification;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.UserRegistered;
import io.roster.events.invitation.InvitationIssued;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.TestTokenIssuer;
import io.roster.testsupport.fault.TcpProxy;
import org.assertj.core.api.SoftAssertions;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.roster.notification.TestEnvironment.SECRETS;
import static org.awaitility.Awaitility.await;

/**
 * SMTP connections are reused per server and login: many emails of one organization go over a few connections,
 * a settings change moves the next email to the new server at once (nothing through a connection to the old one),
 * and connections the server dropped are replaced, the emails sent meanwhile retried: none lost, none twice.
 * Each organization's server is a GreenMail behind a {@link TcpProxy}, which counts the connections it accepts and
 * can reset them all (the server dropping them).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SmtpConnectionReuseTest {

    private static final Logger log = LoggerFactory.getLogger(SmtpConnectionReuseTest.class);
    private static final String USER = "relay@own-server.test";
    private static final String PASSWORD = "relay-pass";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int PER_ORGANIZATION = 4;

    static final MailServer PLATFORM = MailServer.open();
    static final MailServer FIRST = MailServer.withLogin(USER, PASSWORD);
    static final MailServer SECOND = MailServer.withLogin(USER, PASSWORD);
    static final TcpProxy TO_FIRST = TcpProxy.start(0, "127.0.0.1", FIRST.port());
    static final TcpProxy TO_SECOND = TcpProxy.start(0, "127.0.0.1", SECOND.port());
    /** The reuse test's own server: no connection another test left in the pool counts there. */
    static final MailServer POOLED = MailServer.withLogin(USER, PASSWORD);
    static final TcpProxy TO_POOLED = TcpProxy.start(0, "127.0.0.1", POOLED.port());

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestEnvironment.register(registry, PLATFORM::port);
        registry.add("roster.notification.delivery.per-organization-concurrency", () -> PER_ORGANIZATION);
    }

    @AfterAll
    static void stopServers() {
        TO_FIRST.close();
        TO_SECOND.close();
        TO_POOLED.close();
        POOLED.close();
        PLATFORM.close();
        FIRST.close();
        SECOND.close();
    }

    @Autowired
    WebTestClient web;
    @Autowired
    KafkaTemplate<String, byte[]> kafka;
    @Autowired
    MongoDatabase mongo;

    @Test
    void manyEmailsToOneOrganizationGoOverAFewConnections() {
        UUID org = organization("Pooled Co");
        useServer(org, TO_POOLED);
        List<String> recipients = invite(org, "pooled", 60);
        awaitSent(recipients);
        long connections = TO_POOLED.connectionsAccepted();

        report("reuse", "%d emails to one organization over %d SMTP connections (%d in flight at most)",
                recipients.size(), connections, PER_ORGANIZATION);
        SoftAssertions soft = new SoftAssertions();
        recipients.forEach(r -> soft.assertThat(POOLED.to(r)).as("emails to %s", r).hasSize(1));
        // a connection per email would be 60; the gate lets 4 in flight, so about 4 connections serve them all
        soft.assertThat(connections).as("SMTP connections for %d emails", recipients.size()).isBetween(1L, 2L * PER_ORGANIZATION);
        soft.assertAll();
    }

    @Test
    void afterASettingsChangeTheNextEmailsGoToTheNewServerOnlyAndAnotherOrganizationKeepsItsOwn() {
        UUID moving = organization("Moving Co");
        UUID staying = organization("Staying Co");
        useServer(moving, TO_FIRST);
        useServer(staying, TO_SECOND);
        List<String> movingBefore = invite(moving, "moving-before", 8);
        List<String> stayingBefore = invite(staying, "staying-before", 8);
        awaitSent(movingBefore);
        awaitSent(stayingBefore);

        // the connections to the first server are still open in the pool when the settings change
        useServer(moving, TO_SECOND);
        List<String> movingAfter = invite(moving, "moving-after", 8);
        awaitSent(movingAfter);

        long afterOnFirst = movingAfter.stream().mapToLong(r -> FIRST.to(r).size()).sum();
        long stayingOnFirst = stayingBefore.stream().mapToLong(r -> FIRST.to(r).size()).sum();
        long movingBeforeOnSecond = movingBefore.stream().mapToLong(r -> SECOND.to(r).size()).sum();
        report("settings-change", "after the change: %d of %d emails on the old server; the other organization: %d of %d on "
                        + "the first server; before the change: %d of %d on the new server",
                afterOnFirst, movingAfter.size(), stayingOnFirst, stayingBefore.size(), movingBeforeOnSecond, movingBefore.size());
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(afterOnFirst).as("emails sent through the old server after the change").isZero();
        soft.assertThat(stayingOnFirst).as("the other organization's emails on the first server").isZero();
        soft.assertThat(movingBeforeOnSecond).as("emails of before the change on the new server").isZero();
        movingAfter.forEach(r -> soft.assertThat(SECOND.to(r)).as("emails to %s", r).hasSize(1));
        soft.assertAll();
    }

    @Test
    void connectionsTheServerDroppedAreReplacedAndTheEmailsMeanwhileAreRetriedNoneLostNoneTwice() {
        UUID org = organization("Dropped Co");
        useServer(org, TO_FIRST);
        List<String> before = invite(org, "before-drop", 8);
        awaitSent(before);

        // the server drops every connection (the pooled ones, idle now) and every new one until it heals
        TO_FIRST.cutAll();
        List<String> during = new ArrayList<>();
        List<Document> retried;
        try {
            during.addAll(invite(org, "during-drop", 8));
            await().atMost(WAIT).until(() -> deliveries(during).stream().anyMatch(d -> "retrying".equals(d.getString("status"))));
        } finally {
            TO_FIRST.heal();
        }
        long connectionsAfterHeal = TO_FIRST.connectionsAccepted();
        List<String> after = invite(org, "after-drop", 8);
        List<String> all = new ArrayList<>(during);
        all.addAll(after);
        awaitSent(all);
        retried = deliveries(during).stream().filter(d -> d.getInteger("attempts", 0) >= 2).toList();

        long sentTwice = all.stream().filter(r -> FIRST.to(r).size() > 1).count();
        long missing = all.stream().filter(r -> FIRST.to(r).isEmpty()).count();
        report("dropped", "%d emails during the drop (%d retried), %d after it: %d missing, %d sent twice; %d connections "
                        + "opened after the server healed", during.size(), retried.size(), after.size(), missing, sentTwice,
                TO_FIRST.connectionsAccepted() - connectionsAfterHeal);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(missing).as("emails missing").isZero();
        soft.assertThat(sentTwice).as("emails sent twice").isZero();
        soft.assertThat(retried).as("emails of the outage that failed and were retried").isNotEmpty();
        soft.assertThat(TO_FIRST.connectionsAccepted() - connectionsAfterHeal).as("new connections after the drop").isPositive();
        soft.assertAll();
    }

    // ---------------------------------------------------------------- helpers

    /** An organization whose creator is its admin, as the identity service would announce it; waits until it is known. */
    private UUID organization(String name) {
        UUID id = UUID.randomUUID();
        UUID admin = UUID.randomUUID();
        publish(new UserRegistered(UUID.randomUUID(), Instant.now(), null, null, admin, adminEmail(id), "Ada", "Admin",
                RegistrationSource.ADMIN, false), 0);
        publish(new OrganizationCreated(UUID.randomUUID(), Instant.now(), id, admin, name), 0);
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), id, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null), 1);
        await().atMost(WAIT).until(() -> mongo.getCollection("memberships-v1").countDocuments(Filters.eq("_id", id + ":" + admin)) == 1);
        admins.put(id, admin);
        return id;
    }

    private final Map<UUID, UUID> admins = new java.util.concurrent.ConcurrentHashMap<>();

    private static String adminEmail(UUID organization) {
        return "admin-" + organization + "@example.com";
    }

    /** Points the organization's email settings at a server (through the API, as an admin would). */
    private void useServer(UUID organization, TcpProxy server) {
        String token = TestTokenIssuer.get().tokenFor(admins.get(organization), adminEmail(organization), List.of());
        web.put().uri("/api/v1/organizations/{id}/email-settings", organization).headers(h -> h.setBearerAuth(token))
                .bodyValue(Map.of("host", "127.0.0.1", "port", server.port(), "tlsMode", "none", "username", USER,
                        "password", PASSWORD, "senderAddress", "news@own-server.test", "senderName", "Own Server News"))
                .exchange().expectStatus().isOk();
    }

    /** Publishes {@code count} invitations of the organization; returns their recipients. */
    private List<String> invite(UUID organization, String prefix, int count) {
        UUID admin = admins.get(organization);
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String email = prefix + "-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            String token = SecretBox.newToken();
            publish(new InvitationIssued(UUID.randomUUID(), Instant.now(), organization, admin, UUID.randomUUID(), email, "Ivy",
                    "Tester", List.of("member"), List.of(), Instant.now().plus(3, ChronoUnit.DAYS), SecretBox.hash(token),
                    SECRETS.seal(token), null), 0);
            recipients.add(email);
        }
        return recipients;
    }

    /** Waits until the server accepted every email to these recipients (where it went is for the test to check). */
    private void awaitSent(List<String> recipients) {
        await().atMost(WAIT).until(() -> deliveries(recipients).stream().filter(d -> "sent".equals(d.getString("status"))).count()
                == recipients.size());
    }

    private List<Document> deliveries(List<String> recipients) {
        return mongo.getCollection("deliveries-v1").find(Filters.in("recipient", recipients)).into(new ArrayList<>());
    }

    private void publish(io.roster.events.RosterEvent event, long sequence) {
        TestEnvironment.publish(kafka, event, sequence, null);
    }

    private static void report(String name, String format, Object... args) {
        String line = String.format(format, args);
        log.info("SMTP connection reuse, {}: {}", name, line);
        try {
            Path file = Path.of("target", "smtp-connection-reuse-report.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, name + ": " + line + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

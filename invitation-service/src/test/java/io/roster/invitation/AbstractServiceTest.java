package io.roster.invitation;

import io.roster.testsupport.MutableClock;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.Topics;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.UserRegistered;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.kit.secrets.SecretBox;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * The service on the embedded Kafka broker and MongoDB-wire server: identity events produced to
 * {@code roster.identity.v1} with the CloudEvents codec feed its directory, commands go over HTTP with
 * bearer tokens, and its events are read back from {@code roster.invitation.v1}. Every service test class
 * extends this and declares nothing of its own, so Spring builds one context for all of them; tests keep
 * apart by fresh organization and user ids. The clock only moves forward, so moving it never harms another test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(AbstractServiceTest.TestClock.class)
public abstract class AbstractServiceTest {

    private static final String KEY = SecretBox.newKey();

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        EmbeddedInfrastructure.register(registry, "invitation");
        TestTokenIssuer.register(registry);
        registry.add("roster.secrets.token-encryption-key", () -> KEY);
        registry.add("roster.invitation.expiry-interval", () -> "PT0.3S");
        registry.add("roster.invitation.reminder-interval", () -> "PT0.3S");
    }

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock(Clock.systemUTC());
        }
    }

    @Autowired
    protected WebTestClient web;
    @Autowired
    protected KafkaTemplate<String, byte[]> kafka;
    @Autowired
    protected IdentityDirectory directory;
    @Autowired
    protected SecretBox secretBox;
    @Autowired
    protected MutableClock clock;

    protected final CloudEventsKafkaCodec codec = new CloudEventsKafkaCodec();

    protected void publish(RosterEvent event, long sequence) {
        kafka.send(codec.encode(EventEnvelope.of(event, sequence))).join();
    }

    /** An organization with {@code admin} as its admin, once the directory has it. */
    protected UUID organizationAdministeredBy(UUID admin, String name) {
        UUID org = UUID.randomUUID();
        publish(new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, name), 0);
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org, admin, admin, List.of("admin"), List.of(), JoinPath.DIRECT, null), 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> directory.isAdmin(org, admin));
        return org;
    }

    /** A registered user, member of {@code org} as {@code sequence} of the organization's stream. */
    protected UUID member(UUID org, String email, long sequence) {
        UUID user = UUID.randomUUID();
        publish(new UserRegistered(UUID.randomUUID(), Instant.now(), null, null, user, email, "M", "Ember",
                RegistrationSource.ADMIN, true), 0);
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org, null, user, List.of("member"), List.of(), JoinPath.DIRECT, null), sequence);
        await().atMost(Duration.ofSeconds(30)).until(() -> directory.isMemberByEmail(org, email.toLowerCase()));
        return user;
    }

    protected static String tokenOf(UUID user, String email) {
        return TestTokenIssuer.get().tokenFor(user, email, List.of());
    }

    /** The records of one aggregate on {@code roster.invitation.v1}, once at least {@code count} are there. */
    protected List<ConsumerRecord<String, byte[]>> invitationRecords(UUID aggregateId, int count) {
        return EmbeddedInfrastructure.records(Topics.INVITATION, aggregateId.toString(), count);
    }

    protected List<RosterEvent> invitationEvents(UUID aggregateId, int count) {
        return invitationRecords(aggregateId, count).stream().map(r -> codec.decode(r).event()).toList();
    }
}

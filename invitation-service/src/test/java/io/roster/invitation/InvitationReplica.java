package io.roster.invitation;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.events.CloudEventsKafkaCodec;
import io.roster.events.EventEnvelope;
import io.roster.events.RosterEvent;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.OrganizationCreated;
import io.roster.invitation.directory.IdentityDirectory;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.http.MediaType;
import org.springframework.kafka.core.KafkaTemplate;
import io.roster.testsupport.MutableClock;
import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.TestTokenIssuer;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.axonframework.extensions.mongo.eventsourcing.tokenstore.MongoTokenStore;
import org.axonframework.serialization.Serializer;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.kafka.config.ContainerCustomizer;
import org.springframework.scheduling.config.ScheduledTask;
import org.springframework.scheduling.config.ScheduledTaskHolder;
import org.springframework.scheduling.config.TaskExecutionOutcome;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One invitation-service application context started by hand, as one replica of a deployment: several of them run
 * side by side in the test JVM on the same MongoDB database, Kafka broker, token-encryption key and JWKS, and can
 * be stopped and started again on that data. What tells pods apart in production is made explicit here: each
 * replica is its own node for Axon's token claims and runs its web server on event loops of its own. {@link
 * AbstractServiceTest}'s context may be alive in the same JVM (Spring caches it between test classes); a replica
 * stays out of its way with a database and Kafka consumer groups of its deployment's own.
 */
final class InvitationReplica implements AutoCloseable {

    /** How Spring names the scheduled method {@code InvitationExpiry.expireDue} (package-private, hence by name). */
    private static final String EXPIRY_SWEEP = "io.roster.invitation.invitation.InvitationExpiry.expireDue";
    /** And {@code InvitationReminders.remindDue}. */
    private static final String REMINDER_SWEEP = "io.roster.invitation.invitation.InvitationReminders.remindDue";

    private static final CloudEventsKafkaCodec CODEC = new CloudEventsKafkaCodec();

    private final String name;
    private final ConfigurableApplicationContext context;
    private final WebTestClient web;

    private InvitationReplica(String name, ConfigurableApplicationContext context) {
        this.name = name;
        this.context = context;
        int port = ((ReactiveWebServerApplicationContext) context).getWebServer().getPort();
        this.web = WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port)
                .responseTimeout(Duration.ofSeconds(30)).build();
    }

    /**
     * What the replicas of one deployment share.
     *
     * @param properties          the property set {@link AbstractServiceTest} registers (broker, MongoDB, database,
     *                            JWKS, token-encryption key, expiry interval), resolved once so every replica gets
     *                            the same database and key
     * @param consumerGroupSuffix appended to every Kafka consumer group, so that these replicas share their groups
     *                            with each other and with nobody else on the broker
     * @param clock               the one clock of every replica (see {@link TwoInstancesExpiryTest})
     */
    record Deployment(Map<String, String> properties, String consumerGroupSuffix, MutableClock clock) {

        static Deployment onEmbeddedInfrastructure(String databasePrefix, String tokenEncryptionKey,
                                                   Duration expiryInterval, MutableClock clock) {
            Map<String, String> properties = new LinkedHashMap<>();
            // the same registrations as AbstractServiceTest's, each supplier resolved once
            EmbeddedInfrastructure.register((key, value) -> properties.put(key, String.valueOf(value.get())), databasePrefix);
            TestTokenIssuer.register((key, value) -> properties.put(key, String.valueOf(value.get())));
            properties.put("roster.secrets.token-encryption-key", tokenEncryptionKey);
            properties.put("roster.invitation.expiry-interval", expiryInterval.toString());
            // the reminder sweep as often as the expiry's
            properties.put("roster.invitation.reminder-interval", expiryInterval.toString());
            return new Deployment(Map.copyOf(properties), "-" + UUID.randomUUID().toString().substring(0, 8), clock);
        }

        String database() {
            return properties.get("roster.mongo.database");
        }
    }

    /** Starts a replica on the deployment's data. */
    static InvitationReplica start(String name, Deployment deployment) {
        List<String> args = new ArrayList<>();
        // command-line arguments: they take precedence over application.yml, as the base class's dynamic properties do
        deployment.properties().forEach((key, value) -> args.add("--" + key + "=" + value));
        args.add("--server.port=0");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(InvitationApplication.class)
                .initializers(applicationContext -> {
                    GenericApplicationContext replica = (GenericApplicationContext) applicationContext;
                    // primary over the service's own Clock bean, as AbstractServiceTest's @Primary MutableClock is
                    replica.registerBean("sharedTestClock", MutableClock.class, deployment::clock,
                            definition -> definition.setPrimary(true));
                    replica.registerBean("deploymentConsumerGroups", DeploymentConsumerGroups.class,
                            () -> new DeploymentConsumerGroups(deployment.consumerGroupSuffix()));
                    replica.getBeanFactory().addBeanPostProcessor(new OwnReactorNettyResources());
                    replica.getBeanFactory().addBeanPostProcessor(new OwnTokenStoreNode(name, replica));
                })
                .run(args.toArray(String[]::new));
        return new InvitationReplica(name, context);
    }

    String name() {
        return name;
    }

    WebTestClient web() {
        return web;
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /**
     * The latest run of this replica's expiry sweep as Spring's scheduler tracks it (what actuator's
     * {@code scheduledtasks} shows): when it started, by the system clock, and whether it finished.
     */
    TaskExecutionOutcome lastExpirySweep() {
        return lastRun(EXPIRY_SWEEP);
    }

    /** As {@link #lastExpirySweep()}, of the reminder sweep. */
    TaskExecutionOutcome lastReminderSweep() {
        return lastRun(REMINDER_SWEEP);
    }

    private TaskExecutionOutcome lastRun(String sweep) {
        return context.getBeansOfType(ScheduledTaskHolder.class).values().stream()
                .flatMap(holder -> holder.getScheduledTasks().stream())
                .map(ScheduledTask::getTask)
                .filter(task -> sweep.equals(task.toString()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(name + " schedules no " + sweep))
                .getLastExecutionOutcome();
    }

    /** Stops it as a deployment stops a pod: gracefully, giving up its relay claim and consumer group membership. */
    /** Publishes an identity or invitation event on its topic as its service would (CloudEvents, keyed by aggregate). */
    @SuppressWarnings("unchecked")
    void publish(RosterEvent event, long sequence) {
        KafkaTemplate<String, byte[]> kafka = bean(KafkaTemplate.class);
        kafka.send(CODEC.encode(EventEnvelope.of(event, sequence))).join();
    }

    /**
     * As {@link AbstractServiceTest#organizationAdministeredBy}: the identity events the directory learns admins from,
     * then waits until this replica's directory knows {@code admin} as the new organization's admin.
     */
    UUID organizationAdministeredBy(UUID admin, String name, Duration patience) {
        UUID org = UUID.randomUUID();
        publish(new OrganizationCreated(UUID.randomUUID(), Instant.now(), org, admin, name), 0);
        publish(new MemberAdded(UUID.randomUUID(), Instant.now(), org, admin, admin, List.of("admin"), List.of(),
                JoinPath.DIRECT, null), 1);
        IdentityDirectory directory = bean(IdentityDirectory.class);
        await().atMost(patience).until(() -> directory.isAdmin(org, admin));
        return org;
    }

    /** Invites {@code prefix<i>@domain} for i below {@code count} over HTTP, valid for {@code hours}; the new ids. */
    List<UUID> invite(String adminToken, UUID org, String prefix, String domain, int count, int hours) {
        List<String> emails = IntStream.range(0, count).mapToObj(i -> prefix + i + "@" + domain).toList();
        JsonNode body = web.post().uri("/api/v1/organizations/{org}/invitations", org)
                .headers(h -> h.setBearerAuth(adminToken))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("emails", emails, "roles", List.of("member"), "expiresInHours", hours))
                .exchange()
                .expectStatus().isCreated()
                .expectBody(JsonNode.class).returnResult().getResponseBody();
        assertThat(body.get("invitations")).as("invited: %s", body).hasSize(count);
        List<UUID> ids = new ArrayList<>();
        body.get("invitations").forEach(invitation -> ids.add(UUID.fromString(invitation.get("invitationId").asText())));
        return ids;
    }

    /** The payloads of the invitation's stored events, in order. */
    List<Object> storedEvents(UUID invitationId) {
        return bean(EventStore.class).readEvents(invitationId.toString()).asStream()
                .map(DomainEventMessage::getPayload).map(Object.class::cast).toList();
    }

    @Override
    public void close() {
        context.close();
    }

    /**
     * The listeners' group ids are constants in their {@code @KafkaListener}s; Boot applies this customizer to every
     * container after the annotation's group id is set.
     */
    static final class DeploymentConsumerGroups
            implements ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> {

        private final String suffix;

        DeploymentConsumerGroups(String suffix) {
            this.suffix = suffix;
        }

        @Override
        public void configure(ConcurrentMessageListenerContainer<Object, Object> container) {
            container.getContainerProperties().setGroupId(container.getGroupId() + suffix);
        }
    }

    /**
     * Axon's token store tells its claims apart by node id, by default the JVM's name ({@code pid@host}): every replica
     * in this JVM would be the same node, hold the relay's claim at once and publish every event twice. Pods have
     * host names of their own; here each replica gets its name as its node id, on the same token collection.
     */
    static final class OwnTokenStoreNode implements BeanPostProcessor {

        private final String nodeId;
        private final GenericApplicationContext replica;

        OwnTokenStoreNode(String nodeId, GenericApplicationContext replica) {
            this.nodeId = nodeId;
            this.replica = replica;
        }

        @Override
        public Object postProcessAfterInitialization(Object bean, String beanName) {
            if (bean instanceof MongoTokenStore) {
                return MongoTokenStore.builder()
                        .mongoTemplate(replica.getBean(MongoTemplate.class))
                        .serializer(replica.getBean(Serializer.class))
                        .nodeId(nodeId)
                        .build();
            }
            return bean;
        }
    }

    /**
     * By default Reactor Netty's server runs on JVM-wide resources, which closing a context disposes: closing one
     * replica would then pull the event loops from under every other server in this JVM. Spring Boot's test support
     * does the same for the contexts it starts.
     */
    static final class OwnReactorNettyResources implements BeanPostProcessor {
        @Override
        public Object postProcessBeforeInitialization(Object bean, String beanName) {
            if (bean instanceof ReactorResourceFactory factory) {
                factory.setUseGlobalResources(false);
            }
            return bean;
        }
    }
}

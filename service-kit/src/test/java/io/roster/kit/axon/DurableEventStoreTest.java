package io.roster.kit.axon;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.roster.events.identity.OrganizationCreated;
import io.roster.kit.mongo.MongoConfiguration;
import io.roster.kit.mongo.MongoProperties;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.extensions.mongo.MongoTemplate;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event store and token store the command services build on the service's MongoClient, against the Mongo-wire
 * server: what they send carries the client's durability (every write {@code w: majority, j: true}, every read
 * {@code readConcern: majority}), and the server takes it: events and tokens make the round trip.
 */
class DurableEventStoreTest {

    private static final BsonDocument MAJORITY_JOURNALED = BsonDocument.parse("{w: 'majority', j: true}");
    private static final BsonDocument MAJORITY_READ = BsonDocument.parse("{level: 'majority'}");
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findAndModify");
    private static final Set<String> READS = Set.of("find", "aggregate", "count", "distinct");

    /** A command as it went on the wire (the driver's own document is released once the listener returns). */
    private record Sent(String name, BsonDocument command) {
        String collection() {
            return command.get(name) instanceof BsonString s ? s.getValue() : null;
        }
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private MongoServer server;
    private MongoClient client;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        MongoProperties properties = new MongoProperties("mongodb://127.0.0.1:" + server.getLocalAddress().getPort(),
                "roster-durable", Duration.ofSeconds(15));
        client = MongoClients.create(MongoConfiguration.settings(properties)
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        sent.add(new Sent(event.getCommandName(), event.getCommand().clone()));
                    }
                }).build());
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void theEventStoreAndTokenStoreWriteToAMajorityJournalAndReadMajorityCommittedData() {
        AxonMongoConfiguration axon = new AxonMongoConfiguration();
        MongoProperties properties = new MongoProperties("unused", "roster-durable", Duration.ofSeconds(15));
        MongoTemplate template = axon.axonMongoTemplate(client, properties);
        EventStorageEngine events = axon.eventStorageEngine(template, axon.eventSerializer(), axon.serializer(),
                new RelayProperties(200, Duration.ofSeconds(1), Duration.ofSeconds(1), 1000, Duration.ofMinutes(5)));
        TokenStore tokens = axon.tokenStore(template, axon.serializer());

        String organization = UUID.randomUUID().toString();
        OrganizationCreated created = new OrganizationCreated(UUID.randomUUID(), Instant.now(), UUID.fromString(organization),
                UUID.randomUUID(), "Durable Inc");
        events.appendEvents(new GenericDomainEventMessage<>("Organization", organization, 0, created));
        assertThat(events.readEvents(organization).asStream().<Object>map(e -> e.getPayload()).toList()).containsExactly(created);
        // what the relay does: read the store from the start by tracking token
        assertThat(events.readEvents(null, false).<Object>map(TrackedEventMessage::getPayload).toList()).containsExactly(created);

        tokens.initializeTokenSegments(EventStoreKafkaRelay.PROCESSING_GROUP, 1);
        tokens.fetchToken(EventStoreKafkaRelay.PROCESSING_GROUP, 0);
        tokens.storeToken(new GlobalSequenceTrackingToken(7), EventStoreKafkaRelay.PROCESSING_GROUP, 0);
        assertThat(tokens.fetchToken(EventStoreKafkaRelay.PROCESSING_GROUP, 0)).isEqualTo(new GlobalSequenceTrackingToken(7));

        List<Sent> writes = sent.stream().filter(c -> WRITES.contains(c.name())).toList();
        List<Sent> reads = sent.stream().filter(c -> READS.contains(c.name())).toList();
        assertThat(writes.stream().map(Sent::collection).collect(Collectors.toSet())).contains("domainevents", "trackingtokens");
        assertThat(reads.stream().map(Sent::collection).collect(Collectors.toSet())).contains("domainevents", "trackingtokens");
        assertThat(writes).allSatisfy(c -> assertThat(c.command().getDocument("writeConcern", null))
                .as("%s %s", c.name(), c.collection()).isEqualTo(MAJORITY_JOURNALED));
        assertThat(reads).allSatisfy(c -> assertThat(c.command().getDocument("readConcern", null))
                .as("%s %s", c.name(), c.collection()).isEqualTo(MAJORITY_READ));
        // the wire server is one node that offers no sessions: the driver retries no write there (a replica set gets a
        // txnNumber on each retryable write, the test of the settings shows retryWrites on)
        assertThat(writes).noneMatch(c -> c.command().containsKey("txnNumber"));
    }
}

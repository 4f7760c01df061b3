package io.roster.query;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.roster.events.EventEnvelope;
import io.roster.query.consumer.EventApplier;
import io.roster.query.consumer.Projection;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.consumer.VersionedCollection;
import io.roster.testsupport.mongo.SentCommands;
import org.bson.Document;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.ClassPathBeanDefinitionScanner;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.core.type.filter.RegexPatternTypeFilter;
import org.springframework.web.bind.annotation.RestController;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The real projections and their stores over a real in-memory MongoDB-wire server, without Kafka, HTTP
 * or Spring Boot: starts in well under a second, for unit tests of the projections and for benchmarks.
 */
public final class ProjectionHarness implements AutoCloseable {

    private static final String[] PROJECTION_PACKAGES = {
            "io.roster.query.consumer", "io.roster.query.organization", "io.roster.query.user",
            "io.roster.query.team", "io.roster.query.member", "io.roster.query.invitation", "io.roster.query.link"};

    private final MongoServer server;
    private final MongoClient client;
    private final AnnotationConfigApplicationContext context;
    private final SentCommands commands = new SentCommands();

    public ProjectionHarness() {
        server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        client = commands.client("mongodb://127.0.0.1:" + address.getPort());
        MongoDatabase database = client.getDatabase("projections");
        context = new AnnotationConfigApplicationContext();
        context.registerBean(MongoDatabase.class, () -> database);
        ClassPathBeanDefinitionScanner scanner = new ClassPathBeanDefinitionScanner(context);
        // the read side only: no HTTP endpoints and no Kafka listener
        scanner.addExcludeFilter(new AnnotationTypeFilter(RestController.class));
        scanner.addExcludeFilter(new RegexPatternTypeFilter(Pattern.compile(".*\\.EventConsumer")));
        scanner.scan(PROJECTION_PACKAGES);
        context.refresh();
    }

    /** Every command sent to the server so far, as {@code "<command> <collection>"} ({@code "update teams-v1"}). */
    public List<String> commands() {
        return commands.all();
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public MongoDatabase database() {
        return bean(MongoDatabase.class);
    }

    /** A read model's collection in the active read-model version, by its logical name ({@code MemberRows.COLLECTION}). */
    public MongoCollection<Document> collection(String name) {
        return database().getCollection(VersionedCollection.physicalName(name, bean(ProjectionCollections.class).activeVersion()));
    }

    /** Through the applier, which skips what it applied before, as the Kafka consumer does. */
    /**
     * Straight to every projection, as when the consumer dies after applying an event and before recording
     * it: the event then comes again and the applier cannot tell.
     */
    public void applyAgain(EventEnvelope envelope) {
        context.getBeansOfType(Projection.class).values().forEach(projection -> projection.apply(envelope));
    }

    public boolean apply(EventEnvelope envelope) {
        return bean(EventApplier.class).apply(envelope);
    }

    @Override
    public void close() {
        context.close();
        client.close();
        server.shutdownNow();
    }
}

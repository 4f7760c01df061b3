package io.roster.localstack;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded MongoDB-wire server (mongo-java-server, with {@link IndexedH2Backend}), persisting to an H2 MVStore file. Runs in the launcher. */
final class MongoWireServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MongoWireServer.class);

    private final MongoServer server;
    private final Path file;

    private MongoWireServer(MongoServer server, Path file) {
        this.server = server;
        this.file = file;
    }

    static MongoWireServer start(Path file, int port) throws IOException {
        Files.createDirectories(file.getParent());
        H2Backend backend = new IndexedH2Backend(file.toString());
        MongoServer server = new MongoServer(backend);
        try {
            server.bind(KafkaBroker.HOST, port);
        } catch (RuntimeException e) {
            server.shutdownNow();
            throw new StartupException("the Mongo-wire server cannot listen on " + KafkaBroker.HOST + ":" + port
                    + ": " + e.getMessage(), e);
        }
        log.info("Mongo-wire server listening on {}:{}, data in {}", KafkaBroker.HOST, port, file);
        return new MongoWireServer(server, file);
    }

    Path file() {
        return file;
    }

    /** Closes client connections, stops listening and closes the H2 file (which commits it). */
    @Override
    public void close() {
        server.shutdownNow();
        log.info("Mongo-wire server stopped; data in {}", file);
    }
}

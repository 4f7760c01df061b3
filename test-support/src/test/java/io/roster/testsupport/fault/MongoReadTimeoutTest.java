package io.roster.testsupport.fault;

import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.roster.kit.mongo.MongoConfiguration;
import io.roster.kit.mongo.MongoProperties;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The services' MongoDB client gives up on an answer that does not come (a partition that drops packets without
 * closing the connection) instead of waiting forever, the driver's default: only then do requests fail and consumers
 * show themselves not ready during such an outage. The fault is real: a black-holing proxy between client and server.
 */
class MongoReadTimeoutTest {

    private MongoServer server;
    private TcpProxy proxy;

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        proxy = TcpProxy.start(0, "127.0.0.1", server.getLocalAddress().getPort());
    }

    @AfterEach
    void stop() {
        proxy.close();
        server.shutdownNow();
    }

    @Test
    @Timeout(30) // without a read timeout the driver waits for ever: the test would hang
    void anOperationOnABlackHoledConnectionFailsAfterTheReadTimeoutAndWorksAgainAfterTheHeal() {
        MongoProperties properties = new MongoProperties("mongodb://127.0.0.1:" + proxy.port(), "roster", Duration.ofSeconds(1));
        try (MongoClient client = MongoClients.create(MongoConfiguration.settings(properties).build())) {
            Document ping = new Document("ping", 1);
            client.getDatabase("roster").runCommand(ping);

            proxy.blackhole();
            long started = System.nanoTime();
            assertThatThrownBy(() -> client.getDatabase("roster").runCommand(ping))
                    .isInstanceOf(MongoSocketReadTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));

            proxy.heal();
            assertThat(client.getDatabase("roster").runCommand(ping).get("ok", Number.class).intValue()).isEqualTo(1);
        }
    }

    @Test
    void aSocketTimeoutInTheUriWins() {
        MongoProperties properties = new MongoProperties("mongodb://127.0.0.1:1/?socketTimeoutMS=2500", "roster", Duration.ofSeconds(1));
        assertThat(MongoConfiguration.settings(properties).build().getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS))
                .isEqualTo(2500);
        MongoProperties bounded = new MongoProperties("mongodb://127.0.0.1:1", "roster", Duration.ofSeconds(15));
        assertThat(MongoConfiguration.settings(bounded).build().getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS))
                .isEqualTo(15_000);
    }
}

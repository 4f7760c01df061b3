package io.roster.kit.mongo;

import com.mongodb.MongoClientSettings;
import com.mongodb.ReadConcern;
import com.mongodb.WriteConcern;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The durability every service's MongoDB client gets from its settings: writes wait for a majority's journal, reads
 * see only majority-committed data, writes are retried once after a failover; and an operator's connection string
 * wins over each default, as {@code socketTimeoutMS} wins over the read timeout.
 */
class MongoConfigurationTest {

    @Test
    void aPlainUriGetsMajorityJournaledWritesMajorityReadsAndRetryableWrites() {
        MongoClientSettings settings = settings("mongodb://db-0:27017,db-1:27017,db-2:27017/?replicaSet=rs0");

        assertThat(settings.getWriteConcern()).isEqualTo(new WriteConcern("majority").withJournal(true));
        assertThat(settings.getWriteConcern().asDocument().toJson()).isEqualTo("{\"w\": \"majority\", \"j\": true}");
        assertThat(settings.getReadConcern()).isEqualTo(ReadConcern.MAJORITY);
        assertThat(settings.getRetryWrites()).isTrue();
        assertThat(settings.getSocketSettings().getReadTimeout(TimeUnit.MILLISECONDS)).isEqualTo(15_000);
    }

    @Test
    void whatTheUriSetsWinsOverEachDefault() {
        MongoClientSettings acknowledged = settings("mongodb://db-0:27017/?w=1&journal=false");
        assertThat(acknowledged.getWriteConcern()).isEqualTo(WriteConcern.W1.withJournal(false));
        assertThat(acknowledged.getReadConcern()).as("the other defaults stay").isEqualTo(ReadConcern.MAJORITY);
        assertThat(acknowledged.getRetryWrites()).isTrue();

        MongoClientSettings local = settings("mongodb://db-0:27017/?readConcernLevel=local&retryWrites=false");
        assertThat(local.getReadConcern()).isEqualTo(ReadConcern.LOCAL);
        assertThat(local.getRetryWrites()).isFalse();
        assertThat(local.getWriteConcern()).isEqualTo(MongoConfiguration.DEFAULT_WRITE_CONCERN);

        // a URI that only bounds the wait sets a whole write concern of its own, with the server's default w (the
        // primary alone): an operator who adds wtimeoutMS writes w=majority&journal=true beside it
        assertThat(settings("mongodb://db-0:27017/?wtimeoutMS=5000").getWriteConcern().getWObject()).isNull();
        MongoClientSettings bounded = settings("mongodb://db-0:27017/?w=majority&journal=true&wtimeoutMS=5000");
        assertThat(bounded.getWriteConcern()).isEqualTo(WriteConcern.MAJORITY.withJournal(true).withWTimeout(5, TimeUnit.SECONDS));
    }

    private static MongoClientSettings settings(String uri) {
        return MongoConfiguration.settings(new MongoProperties(uri, "roster", Duration.ofSeconds(15))).build();
    }
}

package io.roster.notification;

import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.mongo.IndexCoverageCheck;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;

/**
 * Every query the service sent to MongoDB during this module's tests (Axon's event and token store queries included)
 * has an index on the collection it was sent to, or is on {@code mongo-unindexed-allowed.txt} with a reason. Runs last
 * (see {@code junit-platform.properties}), so run alone it has nothing to check and fails saying so. The table of
 * shapes and the index serving each is {@code target/index-coverage.txt}.
 */
@Order(Integer.MAX_VALUE)
class MongoIndexCoverageTest {

    @Test
    void everyQueryTheServiceSentHasAnIndexOrAReasonNotTo() throws IOException {
        IndexCoverageCheck.requireEveryQueryIndexed(EmbeddedInfrastructure.mongoUri());
    }
}

package io.roster.invitation;

import io.roster.testsupport.EmbeddedInfrastructure;
import io.roster.testsupport.mongo.IndexCoverageCheck;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Collectors;

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
        IndexCoverageCheck.Result result = IndexCoverageCheck.run(EmbeddedInfrastructure.mongoUri(),
                "/mongo-unindexed-allowed.txt", Path.of("target", "index-coverage.txt"));

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(result.serviceShapes())
                .as("query shapes recorded: this check needs the module's other test classes to run before it")
                .isPositive();
        softly.assertThat(result.unindexed().stream().map(r -> r.collection() + " " + r.shape()).collect(Collectors.toList()))
                .as("queries without an index (declare one where the collection's other indexes are, or allow-list "
                        + "it with a reason); " + result.summary())
                .isEmpty();
        softly.assertAll();
    }
}

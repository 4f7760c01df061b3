package io.roster.query.consumer;

import io.roster.kit.consumer.AppliedSequences;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The projections' applied sequences (service-kit's one sequence guard), in one collection per read-model version:
 * a rebuild fills the next version's with the projections, and a Consistency-Token waits for them.
 */
@Configuration(proxyBeanMethods = false)
public class ProjectionSequences {

    public static final String COLLECTION = "applied-sequences";

    @Bean
    AppliedSequences appliedSequences(ProjectionCollections collections) {
        VersionedCollection collection = collections.declare(COLLECTION, AppliedSequences::indexes);
        return new AppliedSequences(collection::get);
    }
}

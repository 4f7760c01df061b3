package io.roster.kit.consumer;

import java.util.List;
import java.util.Map;

/** The consumer runtime's tests with a consumer that takes a poll's records as one batch (as the query service's). */
class BatchConsumerRuntimeTest extends ConsumerRuntimeTest {

    @Override
    ConsumerDefinition definition(String group, List<String> topics, EventHandlers handlers, AppliedSequences sequences) {
        return ConsumerDefinition.batches(group, topics, handlers, sequences, new BatchScope() {
            @Override
            public void afterMark(Map<String, Long> applied) {
                // nothing held back in these tests
            }
        });
    }
}

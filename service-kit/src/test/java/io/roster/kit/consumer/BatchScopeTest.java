package io.roster.kit.consumer;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Several scopes around one consumer's batches. */
class BatchScopeTest {

    private final List<String> calls = new ArrayList<>();

    private BatchScope scope(String name) {
        return new BatchScope() {
            @Override
            public <T> T around(Supplier<T> batch) {
                calls.add(name + " opens");
                try {
                    return batch.get();
                } finally {
                    calls.add(name + " closes");
                }
            }

            @Override
            public void beforeMark() {
                calls.add(name + " writes");
            }

            @Override
            public void afterMark(Map<String, Long> applied) {
                calls.add(name + " told " + applied);
            }
        };
    }

    @Test
    void theFirstRunsOutermostAndEachWritesAndIsToldInTheOrderGiven() {
        BatchScope both = BatchScope.all(scope("uses"), scope("joins"));

        String answer = both.around(() -> {
            calls.add("batch");
            both.beforeMark();
            both.afterMark(Map.of("a", 3L));
            return "done";
        });

        assertThat(answer).isEqualTo("done");
        assertThat(calls).containsExactly("uses opens", "joins opens", "batch", "uses writes", "joins writes",
                "uses told {a=3}", "joins told {a=3}", "joins closes", "uses closes");
    }
}

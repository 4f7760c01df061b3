package io.roster.embeddedmongo;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;

/**
 * Which shapes {@link IndexPlanner} narrows. That a plan never changes a query's answer is test-support's
 * IndexedQueryCheck, run on both embedded servers (local-stack's IndexedH2BackendSecondaryIndexTest, test-support's
 * SnapshotMemoryBackendTest).
 */
class IndexPlannerTest {

    /** The planner takes the shapes Roster sends and leaves the rest (null, $exists, $or, a multikey range) to a scan. */
    @Test
    void thePlannerNarrowsTheShapesItKnowsAndLeavesTheRest() {
        OrderedIndex<Object> relay = new OrderedIndex<>("orderedEventStreamIndex", List.of(new IndexKey("timestamp", true), new IndexKey("sequenceNumber", true)), Comparator.comparing(Object::toString));
        OrderedIndex<Object> aggregate = new OrderedIndex<>("uniqueAggregateIndex", List.of(new IndexKey("aggregateIdentifier", true), new IndexKey("sequenceNumber", true)), Comparator.comparing(Object::toString));
        OrderedIndex<Object> roles = new OrderedIndex<>("by_role", List.of(new IndexKey("organizationId", true), new IndexKey("roles", true)), Comparator.comparing(Object::toString));
        roles.add(doc("organizationId", "o", "roles", List.of("admin")), "x");
        List<OrderedIndex<Object>> indexes = List.of(relay, aggregate, roles);
        SoftAssertions softly = new SoftAssertions();

        IndexPlanner.Scan<Object> relayFetch = IndexPlanner.plan(doc("$and", List.of(doc("timestamp", doc("$gte", "2026")), doc("eventIdentifier", doc("$nin", List.of("e"))))),
                doc("timestamp", 1, "sequenceNumber", 1), false, indexes);
        softly.assertThat(relayFetch).as("relay fetch").isNotNull();
        softly.assertThat(relayFetch != null && relayFetch.inSortOrder()).as("relay fetch in sort order").isTrue();
        IndexPlanner.Scan<Object> events = IndexPlanner.plan(doc("$and", List.of(doc("aggregateIdentifier", "a"), doc("sequenceNumber", doc("$gte", 3L)))),
                doc("sequenceNumber", 1), false, indexes);
        softly.assertThat(events == null ? null : events.index()).as("aggregate's events").isEqualTo("uniqueAggregateIndex");
        softly.assertThat(events != null && events.inSortOrder()).as("aggregate's events in sort order").isTrue();
        softly.assertThat(IndexPlanner.plan(doc("timestamp", doc("$gte", "2026")), doc("timestamp", -1, "sequenceNumber", -1), true, indexes))
                .as("a backward walk").extracting(IndexPlanner.Scan<Object>::inSortOrder).isEqualTo(true);
        softly.assertThat(IndexPlanner.plan(doc("timestamp", doc("$gte", "2026")), doc("timestamp", 1), true, indexes))
                .as("a sort on part of the remaining keys: candidates, sorted after").extracting(IndexPlanner.Scan<Object>::inSortOrder).isEqualTo(false);
        softly.assertThat(IndexPlanner.plan(doc("organizationId", "o", "roles", "admin"), doc(), false, indexes)).as("multikey equality").isNotNull();
        softly.assertThat(IndexPlanner.plan(doc("organizationId", "o"), doc("roles", 1), true, indexes))
                .as("a multikey index orders nothing").extracting(IndexPlanner.Scan<Object>::inSortOrder).isEqualTo(false);
        softly.assertThat(IndexPlanner.plan(doc(), doc("timestamp", 1, "sequenceNumber", 1), true, indexes)).as("an index walk for a limited sort").isNotNull();

        softly.assertThat(IndexPlanner.plan(doc(), doc("timestamp", 1, "sequenceNumber", 1), false, indexes)).as("a whole walk, unlimited").isNull();
        softly.assertThat(IndexPlanner.plan(doc("timestamp", null), doc(), false, indexes)).as("null").isNull();
        softly.assertThat(IndexPlanner.plan(doc("timestamp", doc("$exists", true)), doc(), false, indexes)).as("$exists").isNull();
        softly.assertThat(IndexPlanner.plan(doc("$or", List.of(doc("timestamp", "x"), doc("aggregateIdentifier", "a"))), doc(), false, indexes)).as("$or").isNull();
        softly.assertThat(IndexPlanner.plan(doc("$and", List.of(doc("timestamp", doc("$gte", "a")), doc("timestamp", doc("$lt", "b")))), doc(), false, indexes))
                .as("one field constrained twice").isNull();
        softly.assertThat(IndexPlanner.plan(doc("roles", doc("$gte", "a")), doc(), false, indexes)).as("a range on a multikey key (no prefix)").isNull();
        softly.assertThat(IndexPlanner.plan(doc("sequenceNumber", 5), doc(), false, indexes)).as("no prefix").isNull();
        softly.assertAll();
    }

    private static Document doc(Object... pairs) {
        Document document = new Document();
        for (int i = 0; i < pairs.length; i += 2) {
            document.put((String) pairs[i], pairs[i + 1]);
        }
        return document;
    }
}

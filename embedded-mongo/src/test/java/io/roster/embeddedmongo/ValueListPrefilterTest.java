package io.roster.embeddedmongo;

import de.bwaldvogel.mongo.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ValueListPrefilterTest {

    private static final List<Object> IDS = ids(ValueListPrefilter.MIN_VALUES);

    @Test
    void aStringInALongNotInListCannotMatchAndEverythingElseIsLeftToTheMatcher() {
        ValueListPrefilter prefilter = ValueListPrefilter.of(new Document("timestamp", new Document("$gte", 10))
                .append("eventIdentifier", new Document("$nin", IDS)));

        assertThat(prefilter.mayMatch(new Document("eventIdentifier", "e3"))).isFalse();
        assertThat(prefilter.mayMatch(new Document("eventIdentifier", "new"))).isTrue();
        assertThat(prefilter.mayMatch(new Document())).as("missing").isTrue();
        assertThat(prefilter.mayMatch(new Document("eventIdentifier", List.of("e3")))).as("an array: the matcher's").isTrue();
        assertThat(prefilter.mayMatch(new Document("eventIdentifier", 3))).as("another type").isTrue();
    }

    @Test
    void theDriversAndIsReadToo() {
        ValueListPrefilter prefilter = ValueListPrefilter.of(new Document("$and", List.of(
                new Document("timestamp", new Document("$gte", 10)), new Document("eventIdentifier", new Document("$nin", IDS)))));

        assertThat(prefilter.mayMatch(new Document("eventIdentifier", "e3"))).isFalse();
        assertThat(prefilter.mayMatch(new Document("eventIdentifier", "new"))).isTrue();
    }

    @Test
    void aStringAbsentFromALongInListCannotMatch() {
        ValueListPrefilter prefilter = ValueListPrefilter.of(new Document("_id", new Document("$in", IDS)));

        assertThat(prefilter.mayMatch(new Document("_id", "absent"))).isFalse();
        assertThat(prefilter.mayMatch(new Document("_id", "e0"))).isTrue();
        assertThat(prefilter.mayMatch(new Document("_id", List.of("absent")))).isTrue();
    }

    @Test
    void shortListsListsWithOtherValuesNestedFieldsAndOrAreLeftToTheMatcher() {
        List<Object> withNull = new ArrayList<>(IDS);
        withNull.add(null);
        List<Object> shorter = IDS.subList(0, ValueListPrefilter.MIN_VALUES - 1);
        for (Document query : List.of(new Document("f", new Document("$nin", shorter)), new Document("f", new Document("$in", withNull)),
                new Document("a.f", new Document("$nin", IDS)), new Document("$or", List.of(new Document("f", new Document("$nin", IDS)))))) {
            ValueListPrefilter prefilter = ValueListPrefilter.of(query);
            assertThat(prefilter.mayMatch(new Document("f", "e0").append("a", new Document("f", "e0")))).as("%s", query).isTrue();
            assertThat(prefilter.mayMatch(new Document("f", "absent"))).as("%s", query).isTrue();
        }
    }

    private static List<Object> ids(int count) {
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add("e" + i);
        }
        return ids;
    }
}

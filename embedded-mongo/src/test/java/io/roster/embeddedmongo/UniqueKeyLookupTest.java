package io.roster.embeddedmongo;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

import java.util.List;

/** Which filters {@link UniqueKeyLookup} answers through a unique index (the whole filter still decides every candidate). */
class UniqueKeyLookupTest {

    @Test
    void theLookupNarrowsOnlyThroughAUniqueIndexWhoseKeysTheFilterGivesPlainly() {
        InMemoryUniqueIndex byId = new InMemoryUniqueIndex("_id_", List.of(new IndexKey("_id", true)), false);
        InMemoryUniqueIndex compound = new InMemoryUniqueIndex("pair", List.of(new IndexKey("a", true), new IndexKey("b", true)), false);
        List<Index<Object>> indexes = List.of(byId, compound);
        SoftAssertions softly = new SoftAssertions();

        softly.assertThat(UniqueKeyLookup.candidates(doc("_id", "x", "lease", "y"), indexes)).isNotNull();
        softly.assertThat(UniqueKeyLookup.candidates(doc("_id", new Document("$in", List.of("x", "z")), "s", 1), indexes))
                .isNotNull();
        softly.assertThat(UniqueKeyLookup.candidates(doc("a", 1, "b", 2, "c", 3), indexes)).isNotNull();
        softly.assertThat(UniqueKeyLookup.candidates(doc("$and", List.of(doc("_id", "x"), doc("lease", "y"))), indexes)).isNotNull();
        softly.assertThat(UniqueKeyLookup.candidates(doc("$and", List.of(doc("a", 1), doc("$and", List.of(doc("b", 2), doc("c", 3))))), indexes))
                .isNotNull();
        // what the stock lookup already answers, or nothing can answer
        softly.assertThat(UniqueKeyLookup.candidates(doc("$and", List.of(doc("_id", "x"), doc("_id", "z"))), indexes)).isNull();
        softly.assertThat(UniqueKeyLookup.candidates(doc("$or", List.of(doc("_id", "x"), doc("lease", "y"))), indexes)).isNull();
        softly.assertThat(UniqueKeyLookup.candidates(doc("_id", "x"), indexes)).isNull();
        softly.assertThat(UniqueKeyLookup.candidates(doc("lease", "y", "s", 1), indexes)).isNull();
        softly.assertThat(UniqueKeyLookup.candidates(doc("_id", new Document("$gt", "x"), "s", 1), indexes)).isNull();
        softly.assertThat(UniqueKeyLookup.candidates(doc("a", new Document("$in", List.of(1)), "b", 2, "c", 3), indexes))
                .isNull();
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

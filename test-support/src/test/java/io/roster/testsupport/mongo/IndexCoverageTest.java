package io.roster.testsupport.mongo;

import org.assertj.core.api.SoftAssertions;
import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** MongoDB's equality-sort-range rule on commands as the driver sends them. */
class IndexCoverageTest {

    private static final List<IndexSpec> MEMBERS = List.of(IndexSpec.ID,
            index("{name: 'list', key: {organizationId: 1, emailLower: 1, _id: 1}}"),
            index("{name: 'by_status', key: {organizationId: 1, status: 1, emailLower: 1, _id: 1}}"),
            index("{name: 'email_unique', key: {email: 1}, unique: true}"),
            index("{name: 'due', key: {dueAt: 1}, sparse: true}"),
            index("{name: 'pending', key: {relayPending: 1, timestamp: 1}, partialFilterExpression: {relayPending: true}}"));

    @Test
    void equalityThenSortThenRangeAsAPrefixIsCovered() {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(covering("{find: 'm', filter: {organizationId: 'o', status: 'active'}, sort: {emailLower: 1, _id: 1}}"))
                .contains("by_status");
        softly.assertThat(covering("{find: 'm', filter: {status: 'active', organizationId: 'o'}}"))
                .as("equality fields in any order").contains("by_status");
        softly.assertThat(covering("{find: 'm', filter: {organizationId: 'o', emailLower: {$gt: 'b'}}, sort: {emailLower: -1, _id: -1}}"))
                .as("a range on the sort field, walked backwards").contains("list");
        softly.assertThat(covering("{find: 'm', filter: {organizationId: 'o'}, sort: {organizationId: 1, emailLower: 1}}"))
                .as("a sort on an equality field is no sort").contains("list");
        softly.assertThat(covering("{find: 'm', filter: {_id: 'x', organizationId: 'o', anything: 3}}"))
                .as("_id equality: one document").contains("_id_");
        softly.assertThat(covering("{findAndModify: 'm', query: {email: 'a@b', version: 3}}"))
                .as("every key of a unique index by equality").contains("email_unique");
        softly.assertThat(covering("{find: 'm', filter: {organizationId: {$in: ['o', 'p']}}, sort: {emailLower: 1}}"))
                .as("$in counts as equality for the prefix").contains("list");
        softly.assertThat(covering("{find: 'm', filter: {dueAt: {$lte: 5}}, sort: {dueAt: 1}}")).contains("due");
        softly.assertThat(covering("{find: 'm', filter: {relayPending: true}, sort: {timestamp: 1}}")).contains("pending");
        softly.assertAll();
    }

    @Test
    void anythingElseIsUnindexed() {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(covering("{find: 'm', filter: {emailLower: 'a'}}")).as("not a prefix").isEmpty();
        softly.assertThat(covering("{find: 'm', filter: {organizationId: 'o'}, sort: {_id: 1}}"))
                .as("sort not right after the equality fields").isEmpty();
        softly.assertThat(covering("{find: 'm', filter: {organizationId: 'o'}, sort: {emailLower: 1, _id: -1}}"))
                .as("mixed directions").isEmpty();
        softly.assertThat(covering("{find: 'm', filter: {organizationId: 'o', status: {$ne: 'gone'}}, sort: {emailLower: 1}}"))
                .as("a range before the sort").isEmpty();
        softly.assertThat(covering("{find: 'm', filter: {organizationId: 'o', other: 1}}"))
                .as("a field the index lacks").isEmpty();
        softly.assertThat(covering("{count: 'm', query: {}}")).as("no condition: a full scan").isEmpty();
        softly.assertThat(covering("{find: 'm', filter: {}, sort: {dueAt: 1}}")).as("a sparse index lacks documents").isEmpty();
        softly.assertThat(covering("{find: 'm', filter: {timestamp: {$gt: 1}}}")).as("outside the partial index").isEmpty();
        softly.assertAll();
    }

    @Test
    void eachOrBranchNeedsAnIndexWithTheConditionsBesideIt() {
        List<QueryShape> shapes = QueryShapes.of("find", BsonDocument.parse(
                "{find: 'm', filter: {organizationId: 'o', $or: [{status: 'active'}, {emailLower: {$gte: 'a'}}, {zip: 1}]}}"));

        assertThat(shapes).extracting(QueryShape::text)
                .containsExactly("find eq[organizationId,status]", "find eq[organizationId] range[emailLower]", "find eq[organizationId,zip]");
        assertThat(shapes).extracting(s -> IndexCoverage.coveringIndex(s, MEMBERS))
                .containsExactly(Optional.of("by_status"), Optional.of("list"), Optional.empty());
    }

    @Test
    void shapesOfEveryQueryCommand() {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(text("update", "{update: 'm', updates: [{q: {_id: 1}, u: {}}, {q: {a: 1, b: {$lt: 2}}, u: {}}]}"))
                .containsExactly("update eq[_id]", "update eq[a] range[b]");
        softly.assertThat(text("delete", "{delete: 'm', deletes: [{q: {a: {$in: [1, 2]}}, limit: 0}]}")).containsExactly("delete eq[a(in)]");
        softly.assertThat(text("aggregate", "{aggregate: 'm', pipeline: [{$match: {a: 1, $and: [{b: {$gt: 1}}]}}, {$sort: {c: -1}}, {$limit: 5}]}"))
                .containsExactly("aggregate eq[a] sort[-c] range[b]");
        softly.assertThat(text("aggregate", "{aggregate: 'm', pipeline: [{$group: {_id: 1}}]}")).containsExactly("aggregate all");
        softly.assertThat(text("count", "{count: 'm'}")).containsExactly("count all");
        softly.assertThat(text("distinct", "{distinct: 'm', key: 'k', query: {a: /x/}}")).containsExactly("distinct range[a]");
        softly.assertThat(text("insert", "{insert: 'm', documents: []}")).isEmpty();
        softly.assertThat(text("aggregate", "{aggregate: 1, pipeline: []}")).as("database-level").isEmpty();
        softly.assertAll();
    }

    private static Optional<String> covering(String command) {
        BsonDocument document = BsonDocument.parse(command);
        List<QueryShape> shapes = QueryShapes.of(document.getFirstKey(), document);
        assertThat(shapes).hasSize(1);
        return IndexCoverage.coveringIndex(shapes.get(0), MEMBERS);
    }

    private static List<String> text(String name, String command) {
        return QueryShapes.of(name, BsonDocument.parse(command)).stream().map(QueryShape::text).toList();
    }

    private static IndexSpec index(String json) {
        return IndexSpec.of(BsonDocument.parse(json));
    }
}

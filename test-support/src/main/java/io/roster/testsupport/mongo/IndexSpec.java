package io.roster.testsupport.mongo;

import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One index of a collection, as {@code listIndexes} answers it or {@code createIndexes} declares it: its keys in
 * order, and what limits its use (unique, sparse, partial).
 */
public record IndexSpec(String name, List<SortKey> keys, boolean unique, boolean sparse, Set<String> partialFields) {

    /** The {@code _id} index every collection has. */
    public static final IndexSpec ID = new IndexSpec("_id_", List.of(new SortKey("_id", 1)), true, false, Set.of());

    /** From a {@code listIndexes} answer or a {@code createIndexes} command's index document. */
    public static IndexSpec of(BsonDocument index) {
        List<SortKey> keys = new ArrayList<>();
        for (var key : index.getDocument("key").entrySet()) {
            BsonValue direction = key.getValue();
            // a hashed, text or geo key serves no order and no range: direction 0 marks it unusable here
            keys.add(new SortKey(key.getKey(), direction.isNumber() ? (int) Math.signum(direction.asNumber().doubleValue()) : 0));
        }
        String name = index.getString("name").getValue();
        boolean unique = "_id_".equals(name) || index.getBoolean("unique", org.bson.BsonBoolean.FALSE).getValue();
        boolean sparse = index.getBoolean("sparse", org.bson.BsonBoolean.FALSE).getValue();
        Set<String> partial = index.containsKey("partialFilterExpression")
                ? Set.copyOf(index.getDocument("partialFilterExpression").keySet()) : Set.of();
        return new IndexSpec(name, List.copyOf(keys), unique, sparse, partial);
    }

    @Override
    public String toString() {
        return name + keys;
    }
}

package io.roster.embeddedmongo;

import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.bson.Document;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses the candidates of a filter through a unique index whose keys the filter gives plain values (or,
 * for a one-key index, {@code $in}) next to other conditions, also inside a top-level {@code $and} (which
 * is how the Java driver writes {@code Filters.and}). mongo-java-server's own lookup
 * ({@code Index.canHandle}) takes only a filter of exactly the index's keys; here it gets the sub-filter of
 * those keys, and the caller still matches every candidate against the whole filter.
 */
final class UniqueKeyLookup {

    /** A field the filter constrains more than once: left to the full match. */
    private static final Object AMBIGUOUS = new Object();

    private UniqueKeyLookup() {}

    /** @return the positions of the candidates, or null when the stock lookup applies or no unique index narrows */
    static <P> Iterable<P> candidates(Document query, List<Index<P>> indexes) {
        if (indexes.stream().anyMatch(index -> index.canHandle(query))) {
            return null;
        }
        Map<String, Object> conditions = conditions(query);
        for (Index<P> index : indexes) {
            if (index.isUnique()) {
                Document keys = subFilter(conditions, index);
                if (keys != null && index.canHandle(keys)) {
                    return index.getPositions(keys);
                }
            }
        }
        return null;
    }

    /**
     * The field conditions that all must hold: the filter's own and those of its top-level {@code $and}; a field
     * constrained more than once maps to a marker that no lookup takes.
     */
    static Map<String, Object> conditions(Document query) {
        Map<String, Object> conditions = new HashMap<>();
        collectConditions(query, conditions);
        return conditions;
    }

    private static void collectConditions(Document filter, Map<String, Object> conditions) {
        for (Map.Entry<String, Object> entry : filter.entrySet()) {
            String field = entry.getKey();
            if (field.equals("$and") && entry.getValue() instanceof List<?> all) {
                for (Object each : all) {
                    if (each instanceof Document conjunct) {
                        collectConditions(conjunct, conditions);
                    }
                }
            } else if (!field.startsWith("$")) {
                // not Map.merge: it refuses the null of {field: null}
                conditions.put(field, conditions.containsKey(field) ? AMBIGUOUS : entry.getValue());
            }
        }
    }

    private static Document subFilter(Map<String, Object> conditions, Index<?> index) {
        Document keys = new Document();
        for (var key : index.getKeys()) {
            Object value = conditions.get(key.getKey());
            if (value == null && !conditions.containsKey(key.getKey()) || value == AMBIGUOUS) {
                return null;
            }
            if (value instanceof Document condition && !(index.getKeys().size() == 1 && isIn(condition))) {
                return null;
            }
            keys.put(key.getKey(), value);
        }
        return keys;
    }

    private static boolean isIn(Document condition) {
        return condition.keySet().equals(Set.of("$in"));
    }
}

package io.roster.embeddedmongo;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Chooses a query's candidates through an {@link OrderedIndex}, by MongoDB's rule for the common shapes: equality
 * (a plain value, {@code $eq} or {@code $in}) on a prefix of the index's keys, then at most one range
 * ({@code $gt/$gte/$lt/$lte}) on the next key, and a sort that the index order serves (the keys after the equality
 * prefix, all in the index's direction or all against it). The index with the longest usable prefix wins. The
 * caller still matches every candidate against the whole filter, so a plan changes the cost of a query, never its
 * result; any other shape gets no plan and the caller scans. Equality with null, {@code $exists}, regexes,
 * sub-documents and arrays constrain no key here (a missing field indexes as null, so they would need care).
 */
final class IndexPlanner {

    /** More {@code $in} combinations than this: scanning is as good. */
    private static final int MAX_INTERVALS = 1000;

    private IndexPlanner() {}

    /** A chosen index walk: the candidates' positions, in the requested sort order when {@code inSortOrder}. */
    record Scan<P>(String index, Stream<P> positions, boolean inSortOrder) {}

    private record Range(Object low, boolean lowInclusive, Object high, boolean highInclusive) {}

    private record Choice<P>(OrderedIndex<P> index, List<List<Object>> equalities, Range range, int sortDirection) {

        int usedKeys() {
            return equalities.size() + (range == null ? 0 : 1);
        }

        boolean servesSort() {
            return sortDirection != 0;
        }
    }

    /**
     * @param limited whether the query stops early (a limit): then a walk that only serves the sort is worth it
     * @return the scan, or null when no index narrows the query (the caller scans the collection)
     */
    static <P> Scan<P> plan(Document query, Document orderBy, boolean limited, List<OrderedIndex<P>> indexes) {
        Map<String, Object> conditions = UniqueKeyLookup.conditions(query);
        Choice<P> best = null;
        for (OrderedIndex<P> index : indexes) {
            Choice<P> choice = choose(index, conditions, orderBy);
            if (choice != null && (choice.usedKeys() > 0 || choice.servesSort() && limited) && better(choice, best)) {
                best = choice;
            }
        }
        return best == null ? null : new Scan<>(best.index.name(), positions(best), best.servesSort());
    }

    private static <P> Choice<P> choose(OrderedIndex<P> index, Map<String, Object> conditions, Document orderBy) {
        if (index.isBroken()) {
            return null;
        }
        List<IndexKey> keys = index.keys();
        List<List<Object>> equalities = new ArrayList<>();
        long intervals = 1;
        for (IndexKey key : keys) {
            List<Object> values = equalValues(conditions.get(key.getKey()));
            if (values == null) {
                break;
            }
            equalities.add(values);
            intervals *= values.size();
        }
        if (intervals > MAX_INTERVALS) {
            return null;
        }
        boolean multikey = index.isMultikey();
        Range range = multikey || equalities.size() == keys.size() ? null : range(conditions.get(keys.get(equalities.size()).getKey()));
        boolean oneInterval = intervals == 1;
        int sortDirection = multikey || !oneInterval ? 0 : sortDirection(orderBy, keys, equalities.size());
        return new Choice<>(index, equalities, range, sortDirection);
    }

    private static <P> boolean better(Choice<P> choice, Choice<P> best) {
        Comparator<Choice<P>> preference = Comparator.<Choice<P>>comparingInt(Choice::usedKeys)
                .thenComparing(Choice::servesSort)
                .thenComparing(each -> -each.index.keys().size());
        return best == null || preference.compare(choice, best) > 0;
    }

    /** The values an index key must equal, or null when the condition does not pin the key. */
    private static List<Object> equalValues(Object condition) {
        if (isIndexable(condition)) {
            return List.of(condition);
        }
        if (condition instanceof Document operators) {
            if (operators.containsKey("$eq")) {
                return isIndexable(operators.get("$eq")) ? List.of(operators.get("$eq")) : null;
            }
            if (operators.get("$in") instanceof Collection<?> in && !in.isEmpty() && in.stream().allMatch(IndexPlanner::isIndexable)) {
                return List.copyOf(in);
            }
        }
        return null;
    }

    /** The one-sided or two-sided range of a condition, or null when it has none (or two lower or upper bounds). */
    private static Range range(Object condition) {
        if (!(condition instanceof Document operators)) {
            return null;
        }
        boolean gt = operators.containsKey("$gt");
        boolean gte = operators.containsKey("$gte");
        boolean lt = operators.containsKey("$lt");
        boolean lte = operators.containsKey("$lte");
        if (gt && gte || lt && lte || !(gt || gte || lt || lte)) {
            return null;
        }
        Object low = gt ? operators.get("$gt") : operators.get("$gte");
        Object high = lt ? operators.get("$lt") : operators.get("$lte");
        if (low != null && !isIndexable(low) || high != null && !isIndexable(high)) {
            return null;
        }
        return new Range(low, gte, high, lte);
    }

    /**
     * +1 when a forward walk gives the requested order, -1 for a backward walk, 0 when the index does not serve it. The
     * sort must name exactly the keys after the equality prefix: a shorter one would leave ties in index order where a
     * full scan's stable sort leaves them in natural order.
     */
    private static int sortDirection(Document orderBy, List<IndexKey> keys, int from) {
        if (orderBy == null || orderBy.keySet().size() != keys.size() - from || from == keys.size()) {
            return 0;
        }
        int direction = 0;
        int i = from;
        for (Map.Entry<String, Object> field : orderBy.entrySet()) {
            IndexKey key = keys.get(i++);
            if (!field.getKey().equals(key.getKey()) || !(field.getValue() instanceof Number spec) || spec.doubleValue() == 0) {
                return 0;
            }
            int wanted = (spec.doubleValue() > 0 ? 1 : -1) * (key.isAscending() ? 1 : -1);
            if (direction != 0 && wanted != direction) {
                return 0;
            }
            direction = wanted;
        }
        return direction;
    }

    /** Values whose BSON order ValueComparator knows and whose equality a query means plainly. */
    private static boolean isIndexable(Object value) {
        return value instanceof String || value instanceof Boolean || value instanceof Instant || value instanceof ObjectId
                || value instanceof UUID || value instanceof Number number && !Double.isNaN(number.doubleValue());
    }

    private static <P> Stream<P> positions(Choice<P> choice) {
        List<Object[][]> intervals = new ArrayList<>();
        for (List<Object> prefix : combinations(choice.equalities)) {
            intervals.add(interval(choice.index, prefix, choice.range));
        }
        if (choice.servesSort()) {
            Object[][] only = intervals.get(0);
            return choice.index.scan(only[0], only[1], choice.sortDirection < 0);
        }
        // not in sort order: give them in natural order, where the caller's stable sort (or none) leaves ties as a scan does
        List<P> positions = new ArrayList<>();
        for (Object[][] interval : intervals) {
            choice.index.scan(interval[0], interval[1], false).forEach(positions::add);
        }
        Comparator<? super P> natural = choice.index.naturalOrder();
        positions.sort(natural);
        List<P> distinct = new ArrayList<>(positions.size());
        for (P position : positions) {
            if (distinct.isEmpty() || natural.compare(distinct.get(distinct.size() - 1), position) != 0) {
                distinct.add(position);
            }
        }
        return distinct.stream();
    }

    private static List<List<Object>> combinations(List<List<Object>> equalities) {
        List<List<Object>> combinations = new ArrayList<>();
        combinations.add(List.of());
        for (List<Object> values : equalities) {
            List<List<Object>> longer = new ArrayList<>();
            for (List<Object> prefix : combinations) {
                for (Object value : values) {
                    List<Object> next = new ArrayList<>(prefix);
                    next.add(value);
                    longer.add(next);
                }
            }
            combinations = longer;
        }
        return combinations;
    }

    /** The search tuples {from, to} of the entries with this prefix and, on the next key, this range. */
    private static Object[][] interval(OrderedIndex<?> index, List<Object> prefix, Range range) {
        List<Object> from = new ArrayList<>(prefix);
        List<Object> to = new ArrayList<>(prefix);
        if (range == null) {
            from.add(OrderedIndex.LOW);
            to.add(OrderedIndex.HIGH);
        } else {
            boolean ascending = index.keys().get(prefix.size()).isAscending();
            // a descending key stores the high end of a range first
            Object first = ascending ? range.low : range.high;
            boolean firstInclusive = ascending ? range.lowInclusive : range.highInclusive;
            Object last = ascending ? range.high : range.low;
            boolean lastInclusive = ascending ? range.highInclusive : range.lowInclusive;
            addBound(from, first, firstInclusive ? OrderedIndex.LOW : OrderedIndex.HIGH, OrderedIndex.LOW);
            addBound(to, last, lastInclusive ? OrderedIndex.HIGH : OrderedIndex.LOW, OrderedIndex.HIGH);
        }
        return new Object[][] {from.toArray(), to.toArray()};
    }

    private static void addBound(List<Object> tuple, Object value, Object sideOfValue, Object open) {
        if (value == null) {
            tuple.add(open);
        } else {
            tuple.add(value);
            tuple.add(sideOfValue);
        }
    }
}

package io.roster.testsupport.mongo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a query shape has an index, by MongoDB's rule for compound indexes (equality, sort, range): the fields
 * matched by equality (in any order among themselves), then the sort fields in order (all in the index's directions or
 * all reversed), then the range fields (in any order among themselves) must be a prefix of the index's keys. A sort on
 * a field also matched by equality is no sort at all; a range on a sort field is served by the sort part.
 *
 * <p>Also covered: a shape that matches every key of a unique index by equality (one document at most, whatever else
 * it filters; so {@code _id} equality always is). Not covered: a shape with no condition and no sort (a full scan,
 * however small the collection), and any shape whose fields are not all in the prefix (the rest would be fetched and
 * filtered). A sparse index counts only when the shape bounds its first key (a missing field is not in it); a partial
 * index only when the shape matches each field of its filter.
 */
public final class IndexCoverage {

    private IndexCoverage() {
    }

    /** The name of the first index that serves {@code shape}, if one does. */
    public static Optional<String> coveringIndex(QueryShape shape, List<IndexSpec> indexes) {
        return indexes.stream().filter(index -> serves(index, shape)).map(IndexSpec::name).findFirst();
    }

    static boolean serves(IndexSpec index, QueryShape shape) {
        if (index.keys().stream().anyMatch(k -> k.direction() == 0) || !usable(index, shape)) {
            return false;
        }
        Set<String> equality = shape.equality();
        if (index.unique() && index.keys().stream().allMatch(k -> equality.contains(k.field()))) {
            return true;
        }
        List<SortKey> sort = new ArrayList<>();
        for (SortKey key : shape.sort()) {
            if (!equality.contains(key.field())) {
                sort.add(key);
            }
        }
        Set<String> range = new HashSet<>(shape.range());
        sort.forEach(key -> range.remove(key.field()));
        int prefix = equality.size() + sort.size() + range.size();
        if (prefix == 0 || prefix > index.keys().size()) {
            return false;
        }
        List<SortKey> keys = index.keys();
        Set<String> equalityPart = new HashSet<>();
        keys.subList(0, equality.size()).forEach(k -> equalityPart.add(k.field()));
        if (!equalityPart.equals(equality)) {
            return false;
        }
        if (!sortMatches(keys.subList(equality.size(), equality.size() + sort.size()), sort)) {
            return false;
        }
        Set<String> rangePart = new HashSet<>();
        keys.subList(equality.size() + sort.size(), prefix).forEach(k -> rangePart.add(k.field()));
        return rangePart.equals(range);
    }

    private static boolean usable(IndexSpec index, QueryShape shape) {
        Set<String> bounded = new HashSet<>(shape.equality());
        bounded.addAll(shape.range());
        if (index.sparse() && !bounded.contains(index.keys().get(0).field())) {
            return false;
        }
        return shape.equality().containsAll(index.partialFields());
    }

    /** The same fields in the same order, walked forwards (all directions equal) or backwards (all opposite). */
    private static boolean sortMatches(List<SortKey> keys, List<SortKey> sort) {
        boolean forwards = true;
        boolean backwards = true;
        for (int i = 0; i < sort.size(); i++) {
            if (!keys.get(i).field().equals(sort.get(i).field())) {
                return false;
            }
            forwards &= keys.get(i).direction() == sort.get(i).direction();
            backwards &= keys.get(i).direction() == -sort.get(i).direction();
        }
        return forwards || backwards;
    }
}

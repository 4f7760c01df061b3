package io.roster.embeddedmongo;

import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.Missing;
import de.bwaldvogel.mongo.backend.Utils;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.NavigableSet;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One declared index of a collection, held in memory as a sorted set of (key values, position) entries in
 * MongoDB's BSON order ({@link ValueComparator}, each key in its declared direction). Entries with equal key
 * values are in the collection's natural order (the order its full scan visits positions: the H2 map's key order,
 * the memory backend's list index), which is where mongo-java-server's stable sort leaves ties, so a walk of this index
 * gives exactly the order a full scan and sort gives.
 * A missing field indexes as null; an array field gives one entry per element (the index is then
 * "multikey", and {@link IndexPlanner} uses it for equality only). Rebuilt from the documents when the server
 * opens; kept by {@link CollectionIndexes} on every stored insert, update and delete. The set is concurrent
 * because mongo-java-server runs {@code count} outside the collection's lock.
 *
 * @param <P> the backend's position type (H2: the data map's key; memory: the document list's index)
 */
final class OrderedIndex<P> {

    private static final Logger log = LoggerFactory.getLogger(OrderedIndex.class);

    /** Bound markers in a search tuple: below / above every value. */
    static final Object LOW = new Object();
    static final Object HIGH = new Object();

    private final String name;
    private final List<IndexKey> keys;
    private final Comparator<? super P> naturalOrder;
    private final NavigableSet<Entry<P>> entries;
    private volatile boolean multikey;
    private volatile boolean broken;

    /** Search tuples carry a null position and end with {@link #LOW} or {@link #HIGH}. */
    private record Entry<P>(Object[] values, P position) {}

    OrderedIndex(String name, List<IndexKey> keys, Comparator<? super P> naturalOrder) {
        this.name = name;
        this.keys = List.copyOf(keys);
        this.naturalOrder = naturalOrder;
        this.entries = new ConcurrentSkipListSet<>(this::compare);
    }

    String name() {
        return name;
    }

    List<IndexKey> keys() {
        return keys;
    }

    /** An array value was indexed: entries are per element, so the index orders no document and bounds no range. */
    boolean isMultikey() {
        return multikey;
    }

    /** A value could not be ordered (a type ValueComparator does not know): the index is left out of every plan. */
    boolean isBroken() {
        return broken;
    }

    Comparator<? super P> naturalOrder() {
        return naturalOrder;
    }

    int size() {
        return entries.size();
    }

    void add(Document document, P position) {
        if (broken) {
            return;
        }
        try {
            for (Object[] values : keyValues(document)) {
                entries.add(new Entry<>(values, position));
            }
        } catch (RuntimeException e) {
            broken = true;
            log.warn("index {} cannot order a value of document {} ({}); queries no longer use it", name, position, e.toString());
        }
    }

    void remove(Document document, P position) {
        if (broken) {
            return;
        }
        for (Object[] values : keyValues(document)) {
            entries.remove(new Entry<>(values, position));
        }
    }

    /**
     * An update: its entries move only when it changed a value of this index's keys. Most updates do not (a member
     * row's profile, a counter), and every write of a projection with six indexes would otherwise remove and re-add
     * six entries.
     */
    void update(Document oldDocument, Document newDocument, P position) {
        if (!broken && sameTuples(keyValues(oldDocument), keyValues(newDocument))) {
            return;
        }
        remove(oldDocument, position);
        add(newDocument, position);
    }

    private static boolean sameTuples(List<Object[]> before, List<Object[]> after) {
        if (before.size() != after.size()) {
            return false;
        }
        for (int i = 0; i < before.size(); i++) {
            if (!Arrays.equals(before.get(i), after.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The positions of the entries between two search tuples (see {@link #LOW}), in index order or its reverse;
     * entries with equal key values stay in natural order either way, as a stable sort leaves them.
     */
    Stream<P> scan(Object[] from, Object[] to, boolean reverse) {
        NavigableSet<Entry<P>> range = entries.subSet(new Entry<>(from, null), true, new Entry<>(to, null), true);
        Iterator<P> positions = reverse ? new TiesInNaturalOrder(range.descendingIterator()) : range.stream().map(Entry::position).iterator();
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(positions, Spliterator.ORDERED), false);
    }

    /** Each key's values (an array gives its elements, an empty one or a missing field null), multiplied out. */
    private List<Object[]> keyValues(Document document) {
        List<Object[]> tuples = new ArrayList<>();
        tuples.add(new Object[0]);
        for (IndexKey key : keys) {
            Object value = Utils.getSubdocumentValueCollectionAware(document, key.getKey());
            List<Object> alternatives = new ArrayList<>();
            if (value instanceof Collection<?> elements) {
                multikey = true;
                elements.forEach(element -> alternatives.add(Missing.isNullOrMissing(element) ? null : element));
                if (alternatives.isEmpty()) {
                    alternatives.add(null);
                }
            } else {
                alternatives.add(Missing.isNullOrMissing(value) ? null : value);
            }
            List<Object[]> longer = new ArrayList<>(tuples.size() * alternatives.size());
            for (Object[] tuple : tuples) {
                for (Object alternative : alternatives) {
                    Object[] next = Arrays.copyOf(tuple, tuple.length + 1);
                    next[tuple.length] = alternative;
                    longer.add(next);
                }
            }
            tuples = longer;
        }
        return tuples;
    }

    private int compare(Entry<P> a, Entry<P> b) {
        int common = Math.min(a.values.length, b.values.length);
        for (int i = 0; i < common; i++) {
            Object x = a.values[i];
            Object y = b.values[i];
            if (x == LOW || x == HIGH || y == LOW || y == HIGH) {
                return Integer.compare(boundRank(x), boundRank(y));
            }
            int cmp = ValueComparator.asc().compare(x, y);
            if (cmp != 0) {
                return keys.get(i).isAscending() ? cmp : -cmp;
            }
        }
        if (a.values.length != b.values.length) {
            return a.values.length > b.values.length ? boundRank(a.values[common]) : -boundRank(b.values[common]);
        }
        if (a.position == null || b.position == null) {
            return 0;
        }
        return naturalOrder.compare(a.position, b.position);
    }

    private static int boundRank(Object value) {
        return value == LOW ? -1 : value == HIGH ? 1 : 0;
    }

    /** A descending walk, with each run of equal key values given back in ascending (natural) order. */
    private final class TiesInNaturalOrder implements Iterator<P> {

        private final Iterator<Entry<P>> descending;
        private final List<P> run = new ArrayList<>();
        private Entry<P> lookahead;
        private int next;

        TiesInNaturalOrder(Iterator<Entry<P>> descending) {
            this.descending = descending;
            this.lookahead = descending.hasNext() ? descending.next() : null;
        }

        @Override
        public boolean hasNext() {
            return next < run.size() || lookahead != null;
        }

        @Override
        public P next() {
            if (next == run.size()) {
                if (lookahead == null) {
                    throw new NoSuchElementException();
                }
                run.clear();
                next = 0;
                Entry<P> first = lookahead;
                run.add(first.position);
                lookahead = null;
                while (descending.hasNext()) {
                    Entry<P> candidate = descending.next();
                    if (compare(new Entry<>(first.values, null), new Entry<>(candidate.values, null)) != 0) {
                        lookahead = candidate;
                        break;
                    }
                    run.add(0, candidate.position);
                }
            }
            return run.get(next++);
        }
    }
}

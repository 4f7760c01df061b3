package io.roster.embeddedmongo;

import de.bwaldvogel.mongo.backend.DocumentWithPosition;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A collection's declared indexes, as an embedded Mongo-wire server's backend keeps them, and how a query uses them.
 * mongo-java-server uses an index only for a filter of exactly a unique index's keys and keeps no secondary index at
 * all, so every other query reads the whole collection. Here:
 * <ul>
 *   <li>a filter giving a unique index's keys <em>and more</em> gets that index's candidates ({@link UniqueKeyLookup});
 *   <li>every non-unique or compound index is an in-memory {@link OrderedIndex}, and {@link IndexPlanner} picks one by
 *       MongoDB's equality-sort-range rule (the Axon relay's {@code timestamp} range sorted by
 *       {@code (timestamp, sequenceNumber)}, an aggregate's events after a sequence number, the member lists' pages);
 *   <li>anything else is left to the backend's scan.
 * </ul>
 * The whole filter still decides every candidate, so an index changes what a query costs, never what it returns.
 * <p>
 * The backend's collection calls this from the overrides named in each method: the declarations, the three storage
 * primitives every insert, upsert, update, findAndModify and delete ends in, and its {@code queryDocuments}. The
 * ordered indexes are built lazily, in one read of the collection, before the first query or write after they were
 * declared: a database declares its indexes one by one when it opens, and each read of a large H2 file takes long.
 *
 * @param <P> the backend's position type (H2: the data map's key; memory: the document list's index)
 */
public final class CollectionIndexes<P> {

    private static final Logger log = LoggerFactory.getLogger(CollectionIndexes.class);

    private final String collection;
    private final Object lock;
    private final Comparator<? super P> naturalOrder;
    private final Supplier<Stream<DocumentWithPosition<P>>> allDocuments;
    private final List<Index<P>> declared = new CopyOnWriteArrayList<>();
    private final List<OrderedIndex<P>> ordered = new CopyOnWriteArrayList<>();
    /** Declared, not yet filled: see {@link #buildDeclared()}. Guarded by {@link #lock}. */
    private final List<OrderedIndex<P>> unbuilt = new ArrayList<>();

    /**
     * @param collection   the collection's full name, for the log
     * @param lock         the collection's lock, which its writes hold (mongo-java-server runs {@code count} outside it)
     * @param naturalOrder the order the collection's full scan visits positions, where a stable sort leaves ties
     * @param allDocuments the collection's documents with their positions (its {@code streamAllDocumentsWithPosition})
     */
    public CollectionIndexes(String collection, Object lock, Comparator<? super P> naturalOrder,
                             Supplier<Stream<DocumentWithPosition<P>>> allDocuments) {
        this.collection = collection;
        this.lock = lock;
        this.naturalOrder = naturalOrder;
        this.allDocuments = allDocuments;
    }

    /** From {@code addIndex}, after mongo-java-server's own: an index declared (again, after a restart) or created. */
    public void declare(Index<P> index) {
        synchronized (lock) {
            if (declared.stream().anyMatch(known -> known.getName().equals(index.getName()))) {
                return;
            }
            declared.add(index);
            // a one-key unique index answers equality itself (and through UniqueKeyLookup); the rest need order
            if (!index.isUnique() || index.getKeys().size() > 1) {
                unbuilt.add(new OrderedIndex<>(index.getName(), index.getKeys(), naturalOrder));
            }
        }
    }

    /** From {@code dropIndex}. */
    public void drop(String indexName) {
        synchronized (lock) {
            declared.removeIf(index -> index.getName().equals(indexName));
            ordered.removeIf(index -> index.name().equals(indexName));
            unbuilt.removeIf(index -> index.name().equals(indexName));
        }
    }

    /** From {@code addDocumentInternal}, with the position the backend stored the document at. */
    public void added(Document document, P position) {
        buildDeclared();
        ordered.forEach(index -> index.add(document, position));
    }

    /**
     * From {@code handleUpdate}. mongo-java-server calls it after the stored document changed (the memory backend
     * changes it in place), with a deep copy of the old one: the old entries are found by the copy's values.
     */
    public void updated(P position, Document oldDocument, Document newDocument) {
        buildDeclared();
        ordered.forEach(index -> index.update(oldDocument, newDocument, position));
    }

    /** From {@code removeDocument(position)}, with the document read before the backend removed it (null: none was there). */
    public void removed(Document document, P position) {
        buildDeclared();
        if (document != null) {
            ordered.forEach(index -> index.remove(document, position));
        }
    }

    /**
     * From {@code queryDocuments}: the candidates of a query, or null when the backend's own path answers it as well (a
     * stock index takes the filter exactly, a {@code $natural} order, or no index narrows the query).
     *
     * @param limit the query's limit (0: none); with one, a walk that only serves the sort is worth it
     */
    public Candidates<P> candidates(Document query, Document orderBy, int limit) {
        buildDeclared();
        if (declared.stream().anyMatch(index -> index.canHandle(query)) || orderBy != null && orderBy.containsKey("$natural")) {
            return null;
        }
        Iterable<P> unique = UniqueKeyLookup.candidates(query, declared);
        if (unique != null) {
            return new Candidates<>(StreamSupport.stream(unique.spliterator(), false), false);
        }
        IndexPlanner.Scan<P> scan = IndexPlanner.plan(query, orderBy, limit > 0, ordered);
        return scan == null ? null : new Candidates<>(scan.positions(), scan.inSortOrder());
    }

    /** Fills the ordered indexes declared since the last call, in one read of the collection. */
    private void buildDeclared() {
        synchronized (lock) {
            if (unbuilt.isEmpty()) {
                return;
            }
            long started = System.nanoTime();
            long[] read = {0};
            allDocuments.get().forEach(each -> {
                read[0]++;
                unbuilt.forEach(index -> index.add(each.getDocument(), each.getPosition()));
            });
            ordered.addAll(unbuilt);
            log.info("indexes {} of {}: {} documents read in {} ms", unbuilt.stream().map(OrderedIndex::name).toList(),
                    collection, read[0], (System.nanoTime() - started) / 1_000_000);
            unbuilt.clear();
        }
    }

    /**
     * A query's candidate positions, lazily fetched (a walk in sort order stops at the limit), in the requested sort
     * order when {@code inSortOrder}, else in natural order. The backend matches each against the whole filter.
     */
    public record Candidates<P>(Stream<P> positions, boolean inSortOrder) {

        /** The candidates' documents; a position a concurrent delete emptied gives none. */
        public Stream<Document> documents(Function<P, Document> getDocument) {
            return positions.map(getDocument).filter(Objects::nonNull);
        }

        /** The sort still to apply to the candidates: none when they come in sort order. */
        public Document sortLeft(Document orderBy) {
            return inSortOrder ? null : orderBy;
        }
    }
}

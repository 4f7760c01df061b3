package io.roster.query.web;

import com.mongodb.client.model.Filters;
import io.roster.kit.web.PageRequest;
import org.bson.conversions.Bson;

import java.util.Optional;

/**
 * The position of a page in a list sorted by a text key and then a unique id (keyset pagination): the
 * next page starts strictly after it, so rows added or removed before it never shift what comes next.
 * Inside the opaque cursor it is the key and the id separated by a line feed, which neither contains.
 */
public record KeysetCursor(String key, String id) {

    private static final char SEPARATOR = '\n';
    private static final int MAX_LENGTH = 1024;

    /** The cursor text of a row; {@link PageRequest#encode} makes it opaque. */
    public static String of(String key, String id) {
        return key + SEPARATOR + id;
    }

    /** Empty when the decoded cursor is not one this API issued. */
    public static Optional<KeysetCursor> parse(String decoded) {
        if (decoded == null || decoded.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int at = decoded.lastIndexOf(SEPARATOR);
        if (at < 0 || at == decoded.length() - 1 || decoded.indexOf(SEPARATOR) != at) {
            return Optional.empty();
        }
        return Optional.of(new KeysetCursor(decoded.substring(0, at), decoded.substring(at + 1)));
    }

    /**
     * Rows after this position in {@code (keyField, idField)} order. The leading {@code keyField >= key}
     * bounds the index scan; the {@code $or} then drops the rows of equal key up to the id.
     */
    public Bson after(String keyField, String idField) {
        return Filters.and(Filters.gte(keyField, key),
                Filters.or(Filters.gt(keyField, key), Filters.gt(idField, id)));
    }
}

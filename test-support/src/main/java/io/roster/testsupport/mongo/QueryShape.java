package io.roster.testsupport.mongo;

import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.stream.Collectors;

/**
 * What a query asks of an index, without its values: the collection, the command, the fields it matches by equality
 * (those matched by {@code $in} are named in {@code in} as well: MongoDB's planner treats a {@code $in} like an
 * equality for the index prefix, but scans one range per value), the sort, and the fields it bounds by anything
 * else ({@code $gt}, {@code $lt}, {@code $ne}, {@code $exists}, a regular expression, ...).
 */
public record QueryShape(String collection, String command, SortedSet<String> equality, Set<String> in,
                         List<SortKey> sort, SortedSet<String> range) {

    /** The text the table and the allow-list use: {@code find eq[a,b(in)] sort[c,-d] range[e]}, or {@code count all}. */
    public String text() {
        StringBuilder text = new StringBuilder(command);
        if (equality.isEmpty() && sort.isEmpty() && range.isEmpty()) {
            return text.append(" all").toString();
        }
        if (!equality.isEmpty()) {
            text.append(" eq").append(equality.stream().map(f -> in.contains(f) ? f + "(in)" : f)
                    .collect(Collectors.joining(",", "[", "]")));
        }
        if (!sort.isEmpty()) {
            text.append(" sort").append(sort.stream().map(SortKey::toString).collect(Collectors.joining(",", "[", "]")));
        }
        if (!range.isEmpty()) {
            text.append(" range[").append(String.join(",", range)).append(']');
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return collection + " " + text();
    }
}

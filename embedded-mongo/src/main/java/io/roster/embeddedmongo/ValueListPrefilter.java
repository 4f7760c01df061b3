package io.roster.embeddedmongo;

import de.bwaldvogel.mongo.bson.Document;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A query's long {@code $in} and {@code $nin} lists of strings as hash sets, to turn a candidate document away before
 * mongo-java-server's matcher compares its value with each element of the list. Axon's tracking query sends the id of
 * every event of its look-back in {@code $nin}, so under load each of its candidates was compared with hundreds of ids
 * (a fifth of the local stack's Mongo-wire server CPU at 100 commands/s).
 *
 * <p>It only ever says "no": a top-level field (of the query or of its {@code $and}) whose stored value is a string
 * found in a {@code $nin} set, or absent from an {@code $in} set, cannot match (MongoDB compares a string with list
 * elements by equality; an array or a missing value is left to the matcher). A candidate it lets through is judged by
 * the full matcher, as before.
 */
public final class ValueListPrefilter {

    /** Below this, the matcher's own comparisons cost less than the set. */
    static final int MIN_VALUES = 16;

    private final List<Condition> conditions;

    private ValueListPrefilter(List<Condition> conditions) {
        this.conditions = conditions;
    }

    /** The prefilter of a query; one that lets everything through when it has no long list of strings. */
    public static ValueListPrefilter of(Document query) {
        List<Condition> conditions = new ArrayList<>();
        collect(query, conditions);
        return new ValueListPrefilter(List.copyOf(conditions));
    }

    /** The conditions of a query's top level and of its {@code $and} (the driver sends {@code Filters.and} as one). */
    private static void collect(Document query, List<Condition> conditions) {
        for (Map.Entry<String, Object> field : query.entrySet()) {
            if (field.getKey().equals("$and") && field.getValue() instanceof Collection<?> parts) {
                parts.stream().filter(Document.class::isInstance).forEach(part -> collect((Document) part, conditions));
            } else if (!field.getKey().startsWith("$") && !field.getKey().contains(".") && field.getValue() instanceof Document operators) {
                addIfLongStringList(conditions, field.getKey(), operators.get("$nin"), false);
                addIfLongStringList(conditions, field.getKey(), operators.get("$in"), true);
            }
        }
    }

    /** False when the document cannot match the query; true when only the full matcher can tell. */
    public boolean mayMatch(Document document) {
        for (Condition condition : conditions) {
            if (document.get(condition.field()) instanceof String value && condition.values().contains(value) != condition.in()) {
                return false;
            }
        }
        return true;
    }

    private static void addIfLongStringList(List<Condition> conditions, String field, Object list, boolean in) {
        if (list instanceof Collection<?> values && values.size() >= MIN_VALUES && values.stream().allMatch(String.class::isInstance)) {
            Set<String> set = new HashSet<>();
            values.forEach(value -> set.add((String) value));
            conditions.add(new Condition(field, set, in));
        }
    }

    /** A field's value must ({@code in}) or must not be one of {@code values}. */
    private record Condition(String field, Set<String> values, boolean in) {
    }
}

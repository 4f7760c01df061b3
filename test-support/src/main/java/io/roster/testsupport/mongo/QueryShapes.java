package io.roster.testsupport.mongo;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query shapes of one command as the driver sends it: {@code find}, {@code aggregate} (its leading {@code $match},
 * and the {@code $sort} right after it), {@code count}, {@code distinct}, {@code findAndModify}, and each statement
 * of an {@code update} or {@code delete}. A {@code $or} gives one shape per branch (MongoDB needs an index for every
 * branch), each with the conditions beside the {@code $or}; {@code $and} is merged into one shape. Every other command
 * has no shape.
 */
public final class QueryShapes {

    /** Conditions an index cannot serve: they filter what the index found, so they do not count in its prefix. */
    private static final Set<String> RESIDUAL = Set.of("$nor", "$expr", "$where", "$comment", "$text", "$jsonSchema");

    private QueryShapes() {
    }

    public static List<QueryShape> of(String commandName, BsonDocument command) {
        BsonValue target = command.get(commandName);
        if (target == null || !target.isString()) {
            return List.of(); // a database-level command, or one that names no collection
        }
        String collection = target.asString().getValue();
        List<QueryShape> shapes = new ArrayList<>();
        switch (commandName) {
            case "find" -> shapes.addAll(shapes(collection, commandName, document(command, "filter"), document(command, "sort")));
            case "count", "distinct" -> shapes.addAll(shapes(collection, commandName, document(command, "query"), new BsonDocument()));
            case "findAndModify" -> shapes.addAll(shapes(collection, commandName, document(command, "query"), document(command, "sort")));
            case "update" -> statements(command, "updates").forEach(s -> shapes.addAll(shapes(collection, commandName, document(s, "q"), new BsonDocument())));
            case "delete" -> statements(command, "deletes").forEach(s -> shapes.addAll(shapes(collection, commandName, document(s, "q"), new BsonDocument())));
            case "aggregate" -> shapes.addAll(aggregate(collection, command.getArray("pipeline", new BsonArray())));
            default -> {
                return List.of();
            }
        }
        return List.copyOf(new LinkedHashSet<>(shapes));
    }

    private static List<QueryShape> aggregate(String collection, BsonArray pipeline) {
        BsonDocument match = new BsonDocument();
        BsonDocument sort = new BsonDocument();
        if (!pipeline.isEmpty() && pipeline.get(0).asDocument().containsKey("$match")) {
            match = pipeline.get(0).asDocument().getDocument("$match");
            if (pipeline.size() > 1 && pipeline.get(1).asDocument().containsKey("$sort")) {
                sort = pipeline.get(1).asDocument().getDocument("$sort");
            }
        } else if (!pipeline.isEmpty() && pipeline.get(0).asDocument().containsKey("$sort")) {
            sort = pipeline.get(0).asDocument().getDocument("$sort");
        }
        return shapes(collection, "aggregate", match, sort);
    }

    private static List<QueryShape> shapes(String collection, String command, BsonDocument filter, BsonDocument sortDocument) {
        List<SortKey> sort = new ArrayList<>();
        sortDocument.forEach((field, direction) -> {
            if (direction.isNumber()) {
                sort.add(new SortKey(field, direction.asNumber().intValue() < 0 ? -1 : 1));
            }
        });
        return conditions(filter).stream()
                .map(c -> new QueryShape(collection, command, c.equality, c.in, List.copyOf(sort), c.range))
                .toList();
    }

    private static List<Conditions> conditions(BsonDocument filter) {
        List<Conditions> result = List.of(new Conditions());
        for (var entry : filter.entrySet()) {
            String key = entry.getKey();
            BsonValue value = entry.getValue();
            if (key.equals("$and")) {
                for (BsonValue clause : value.asArray()) {
                    result = cross(result, conditions(clause.asDocument()));
                }
            } else if (key.equals("$or")) {
                List<Conditions> branches = new ArrayList<>();
                for (BsonValue clause : value.asArray()) {
                    branches.addAll(conditions(clause.asDocument()));
                }
                result = cross(result, branches);
            } else if (!RESIDUAL.contains(key)) {
                result.forEach(c -> c.add(key, value));
            }
        }
        return result;
    }

    private static List<Conditions> cross(List<Conditions> left, List<Conditions> right) {
        List<Conditions> result = new ArrayList<>();
        for (Conditions l : left) {
            for (Conditions r : right) {
                result.add(l.merged(r));
            }
        }
        return result;
    }

    private static BsonDocument document(BsonDocument parent, String key) {
        BsonValue value = parent.get(key);
        return value != null && value.isDocument() ? value.asDocument() : new BsonDocument();
    }

    private static List<BsonDocument> statements(BsonDocument command, String key) {
        return command.getArray(key, new BsonArray()).stream().map(BsonValue::asDocument).toList();
    }

    /** The fields of one conjunction, by how they are matched. */
    private static final class Conditions {
        final TreeSet<String> equality = new TreeSet<>();
        final Set<String> in = new TreeSet<>();
        final TreeSet<String> range = new TreeSet<>();

        void add(String field, BsonValue value) {
            if (value.isDocument() && !value.asDocument().isEmpty() && value.asDocument().getFirstKey().startsWith("$")) {
                Set<String> operators = value.asDocument().keySet();
                if (Set.of("$eq").containsAll(operators)) {
                    equal(field, false);
                } else if (Set.of("$eq", "$in").containsAll(operators)) {
                    BsonValue values = value.asDocument().get("$in");
                    equal(field, values != null && values.isArray() && values.asArray().size() > 1);
                } else if (!equality.contains(field)) {
                    range.add(field);
                }
            } else if (value.isRegularExpression()) {
                if (!equality.contains(field)) {
                    range.add(field);
                }
            } else {
                equal(field, false);
            }
        }

        private void equal(String field, boolean byIn) {
            range.remove(field);
            if (!equality.contains(field) && byIn) {
                in.add(field);
            } else if (!byIn) {
                in.remove(field);
            }
            equality.add(field);
        }

        Conditions merged(Conditions other) {
            Conditions merged = new Conditions();
            for (Conditions c : List.of(this, other)) {
                c.range.forEach(f -> {
                    if (!merged.equality.contains(f)) {
                        merged.range.add(f);
                    }
                });
                c.equality.forEach(f -> merged.equal(f, c.in.contains(f)));
            }
            return merged;
        }
    }
}

package io.roster.kit.web;

import java.util.List;
import java.util.function.Function;

/** A page of a list endpoint: {@code {items, nextCursor}}, nextCursor null on the last page. */
public record Page<T>(List<T> items, String nextCursor) {

    /** From rows fetched with {@link PageRequest#fetchSize()}: the extra row only says a next page exists. */
    public static <T> Page<T> of(List<T> fetched, PageRequest request, Function<T, Object> sortKey) {
        if (fetched.size() <= request.limit()) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, request.limit());
        return new Page<>(List.copyOf(items), PageRequest.encode(sortKey.apply(items.get(items.size() - 1)).toString()));
    }

    /** The same page with every item turned into what readers see; the cursor stays. */
    public <R> Page<R> map(Function<T, R> view) {
        return new Page<>(items.stream().map(view).toList(), nextCursor);
    }
}

package io.roster.kit.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code ?limit=} (default 50, 1–200) and {@code ?cursor=} of PRODUCT.md §2, read from the raw query strings so that
 * every list of every service answers a bad one alike: 400 {@code validation_failed} naming {@code limit} or
 * {@code cursor}. The cursor is opaque to clients: base64url of the sort key of the last row they saw, so a page
 * starts strictly after it and rows added or removed meanwhile never make a page skip or repeat one.
 */
public record PageRequest(int limit, String after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;
    public static final String LIMIT = "limit";
    public static final String CURSOR = "cursor";
    public static final String BAD_LIMIT = "must be a whole number between 1 and " + MAX_LIMIT;
    public static final String NOT_A_CURSOR = "is not a cursor this API issued";

    /** Parses, adding what is wrong to {@code problems} (the caller reports every bad parameter at once). */
    public static PageRequest of(String limit, String cursor, List<ApiProblem.FieldProblem> problems) {
        int size = DEFAULT_LIMIT;
        if (limit != null) {
            try {
                size = Integer.parseInt(limit.strip());
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 1 || size > MAX_LIMIT) {
                problems.add(new ApiProblem.FieldProblem(LIMIT, BAD_LIMIT));
                size = DEFAULT_LIMIT;
            }
        }
        String after = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                after = decode(cursor.strip());
            } catch (IllegalArgumentException e) {
                problems.add(new ApiProblem.FieldProblem(CURSOR, NOT_A_CURSOR));
            }
        }
        return new PageRequest(size, after);
    }

    /** @throws ApiProblem validation_failed naming {@code limit} and/or {@code cursor} */
    public static PageRequest of(String limit, String cursor) {
        List<ApiProblem.FieldProblem> problems = new ArrayList<>();
        PageRequest request = of(limit, cursor, problems);
        if (!problems.isEmpty()) {
            throw ApiProblem.validation(problems);
        }
        return request;
    }

    /** One more than the limit, to know whether a next page exists. */
    public int fetchSize() {
        return limit + 1;
    }

    public static String encode(String sortKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
    }

    /** The sort key inside a cursor; IllegalArgumentException when it is not base64url. */
    private static String decode(String cursor) {
        return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    }
}

package io.roster.query.web;

import io.roster.kit.web.ApiProblem;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * {@code ?limit=} (default 50, max 200) and {@code ?cursor=} of PRODUCT.md §2. The cursor is opaque to
 * clients: base64url of the sort key of the last row they saw, so a page starts strictly after it and
 * rows added or removed meanwhile never make a page skip or repeat one.
 */
public record PageRequest(int limit, String after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;
    public static final String NOT_A_CURSOR = "is not a cursor this API issued";

    public static PageRequest of(Integer limit, String cursor) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("limit", "must be between 1 and " + MAX_LIMIT)));
        }
        return new PageRequest(size, cursor == null || cursor.isBlank() ? null : decode(cursor));
    }

    /** One more than the limit, to know whether a next page exists. */
    public int fetchSize() {
        return limit + 1;
    }

    public static String encode(String sortKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return decodeOrThrow(cursor);
        } catch (IllegalArgumentException e) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("cursor", NOT_A_CURSOR)));
        }
    }

    /** The sort key inside a cursor; IllegalArgumentException when it is not base64url. */
    static String decodeOrThrow(String cursor) {
        return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
    }
}

package io.roster.notification.web;

import io.roster.kit.web.ApiProblem;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code ?limit=} (default 50, max 200) and {@code ?cursor=} of PRODUCT.md §2. The cursor is opaque:
 * base64url of the sort key of the last row seen, so a page starts strictly after it and rows added
 * meanwhile never make a page skip or repeat one.
 */
public record PageRequest(int limit, String after) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;

    /** Parses, adding what is wrong to {@code problems} (the caller reports every bad field at once). */
    public static PageRequest of(Integer limit, String cursor, List<ApiProblem.FieldProblem> problems) {
        int size = limit == null ? DEFAULT_LIMIT : limit;
        if (size < 1 || size > MAX_LIMIT) {
            problems.add(new ApiProblem.FieldProblem("limit", "must be between 1 and " + MAX_LIMIT));
        }
        String after = null;
        if (cursor != null && !cursor.isBlank()) {
            try {
                after = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                problems.add(new ApiProblem.FieldProblem("cursor", "is not a cursor this API issued"));
            }
        }
        return new PageRequest(size, after);
    }

    public static PageRequest of(Integer limit, String cursor) {
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
}

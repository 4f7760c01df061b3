package io.roster.query.web;

import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.PageRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Reads a list endpoint's query parameters from their raw strings and collects every bad one, so a
 * 400 {@code validation_failed} names all of them at once (PRODUCT.md §2) instead of failing on the
 * first, and no malformed value ever reaches a query. Call {@link #validate()} after the last read.
 */
public final class QueryParameters {

    private final List<ApiProblem.FieldProblem> problems = new ArrayList<>();

    /** {@code limit} and {@code cursor} ({@link PageRequest}); the cursor's sort key is left for the endpoint to check. */
    public PageRequest page(String limit, String cursor) {
        return PageRequest.of(limit, cursor, problems);
    }

    /**
     * The keyset position inside a decoded cursor, or null on the first page. A cursor whose row id fails
     * {@code validId} (another list's or another organization's) is rejected like a malformed one.
     */
    public KeysetCursor keyset(String decoded, Predicate<String> validId) {
        if (decoded == null) {
            return null;
        }
        KeysetCursor cursor = KeysetCursor.parse(decoded).filter(c -> validId.test(c.id())).orElse(null);
        if (cursor == null) {
            reject("cursor", PageRequest.NOT_A_CURSOR);
        }
        return cursor;
    }

    /** Whether a cursor's row id is a UUID: the rule of lists keyed by one. */
    public static boolean isUuid(String text) {
        try {
            UUID.fromString(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A UUID, or null when the parameter is absent or blank. */
    public UUID uuid(String field, String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(raw.trim());
        } catch (IllegalArgumentException e) {
            reject(field, "must be a UUID");
            return null;
        }
    }

    /** One of the allowed wire values (exact, as the API documents them), or null when absent or blank. */
    public <T> T oneOf(String field, String raw, Map<String, T> allowed) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        T value = allowed.get(raw.trim());
        if (value == null) {
            reject(field, "must be one of " + allowed.keySet().stream().sorted().toList());
        }
        return value;
    }

    /** Free text up to {@code maxLength} characters, trimmed; null when absent or blank. */
    public String text(String field, String raw, int maxLength) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String text = raw.trim();
        if (text.length() > maxLength) {
            reject(field, "must be at most " + maxLength + " characters");
            return null;
        }
        return text;
    }

    public void reject(String field, String message) {
        problems.add(new ApiProblem.FieldProblem(field, message));
    }

    /** @throws ApiProblem validation_failed listing every bad parameter, if there is one */
    public void validate() {
        if (!problems.isEmpty()) {
            throw ApiProblem.validation(problems);
        }
    }
}

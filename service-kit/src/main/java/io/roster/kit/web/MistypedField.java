package io.roster.kit.web;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import java.time.Instant;
import java.time.temporal.Temporal;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The field of a JSON body whose value has the wrong type ({@code "expiresAt": "next tuesday"}, {@code "roles": "admin"},
 * {@code "quota": {}}), found in Jackson's error, so that the answer names it as a refused value does (issue 17 item 9).
 * JSON that does not parse at all names no field.
 */
final class MistypedField {

    private MistypedField() {
    }

    static Optional<ApiProblem.FieldProblem> of(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof MismatchedInputException mismatch) {
                String path = path(mismatch);
                return path.isEmpty() ? Optional.empty()
                        : Optional.of(new ApiProblem.FieldProblem(path, "must be " + expected(mismatch.getTargetType())));
            }
        }
        return Optional.empty();
    }

    /** {@code invitees[2].email}, as the bean validation errors name fields. */
    private static String path(JsonMappingException mismatch) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : mismatch.getPath()) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "text";
        }
        if (Instant.class.isAssignableFrom(type) || Temporal.class.isAssignableFrom(type)) {
            return "a date-time such as 2026-12-06T10:00:00Z";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (Number.class.isAssignableFrom(type) || type == int.class || type == long.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (type.isEnum()) {
            return "one of its allowed values";
        }
        return Map.class.isAssignableFrom(type) || type.isRecord() ? "an object" : "of another type";
    }
}

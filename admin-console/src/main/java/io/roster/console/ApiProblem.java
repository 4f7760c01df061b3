package io.roster.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A refusal of the API as the console shows it: a sentence for a person (never a stack trace), the API's stable
 * code (kept in a data attribute for tests and support) and the message of each bad field, shown beside that field.
 */
public record ApiProblem(int status, String code, String message, Map<String, String> fieldErrors) {

    /** Sentences for the codes an admin meets in the console; any other code shows the API's own detail. */
    private static final Map<String, String> SENTENCES = Map.of(
            "last_admin", "Nothing was changed: an organization must keep at least one admin.",
            "forbidden", "You are not allowed to do this: only the organization's admins (and provider admins) can.",
            "invalid_credentials", "The email or password is wrong.",
            "already_member", "Already a member.",
            "already_invited", "Already invited (a pending invitation exists).",
            "team_name_taken", "This organization already has a team of that name (names are compared ignoring case).",
            "not_found", "Not found: it may have been removed meanwhile.",
            "rate_limited", "Too many requests just now: wait a moment and try again.",
            "unavailable", "Roster's API cannot be reached just now: try again in a moment.");

    static ApiProblem of(int status, JsonNode body) {
        String code = body.path("code").asText(status >= 500 ? "unavailable" : "error");
        String detail = body.path("detail").asText(body.path("title").asText(""));
        Map<String, String> fields = new java.util.LinkedHashMap<>();
        for (JsonNode error : body.path("errors")) {
            fields.merge(error.path("field").asText(""), error.path("message").asText(""), (a, b) -> a + "; " + b);
        }
        return new ApiProblem(status, code, sentence(code, detail, status), Map.copyOf(fields));
    }

    /** A problem the console finds itself before calling the API (an empty invitation, say). */
    public static ApiProblem ofConsole(String code, String message) {
        return new ApiProblem(400, code, message, Map.of());
    }

    private static String sentence(String code, String detail, int status) {
        String known = SENTENCES.get(code);
        if (known != null) {
            return detail.isBlank() || code.equals("invalid_credentials") || code.equals("forbidden")
                    ? known : known + " " + detail;
        }
        if (!detail.isBlank()) {
            return detail;
        }
        return status >= 500 ? SENTENCES.get("unavailable") : "The request was refused (" + status + ").";
    }

    /** Every message: the sentence, then the field errors, for a summary beside a form. */
    public List<String> allMessages() {
        List<String> all = new ArrayList<>();
        all.add(message);
        fieldErrors.forEach((field, text) -> all.add(field.isBlank() ? text : field + ": " + text));
        return all;
    }
}

package io.roster.query.user;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * A user's current name and email, as the member rows show them. {@code version} is the sequence number
 * of the user event that produced it: member rows keep the version they copied, so an older profile can
 * never overwrite a newer one whichever partition delivers first.
 */
public record UserProfile(UUID userId, String email, String firstName, String lastName, long version) {

    public UserProfile {
        Objects.requireNonNull(userId, "userId");
    }

    public UserProfile withName(String newFirstName, String newLastName, long newVersion) {
        return new UserProfile(userId, email, newFirstName, newLastName, newVersion);
    }

    /** The sort key of member lists; empty while the email is unknown, so the key is never null. */
    public String emailLower() {
        return lower(email);
    }

    /**
     * What {@code ?q=} matches as a prefix: the email, each name and the full name, lower-cased once here
     * so that the query is an anchored, index-friendly regex rather than a case-insensitive scan.
     */
    public List<String> searchTerms() {
        List<String> terms = new ArrayList<>(4);
        addTerm(terms, lower(email));
        addTerm(terms, lower(firstName));
        addTerm(terms, lower(lastName));
        addTerm(terms, (lower(firstName) + " " + lower(lastName)).trim());
        return terms;
    }

    private static void addTerm(List<String> terms, String term) {
        if (!term.isEmpty() && !terms.contains(term)) {
            terms.add(term);
        }
    }

    /** Lower case the same way on write and on query, whatever the JVM's locale. */
    public static String lower(String text) {
        return text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    }
}

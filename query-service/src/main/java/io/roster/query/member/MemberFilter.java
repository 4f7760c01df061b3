package io.roster.query.member;

import com.mongodb.client.model.Filters;
import io.roster.events.identity.OrganizationRole;
import io.roster.kit.web.PageRequest;
import io.roster.query.user.UserProfile;
import io.roster.query.web.KeysetCursor;
import io.roster.query.web.QueryParameters;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.roster.query.member.MemberRow.*;

/**
 * The validated filters of a member list: {@code q} (case-insensitive prefix of first name, last name,
 * full name or email), {@code role}, {@code teamId}, {@code status}, and the position after which the
 * page starts.
 */
public record MemberFilter(UUID organizationId, String prefix, String role, UUID teamId, MemberStatus status,
                           KeysetCursor after) {

    static final int MAX_PREFIX_LENGTH = 100;
    /** The organization roles of PRODUCT.md §3. */
    static final Map<String, String> ORGANIZATION_ROLES = OrganizationRole.NAMES.stream()
            .collect(Collectors.toUnmodifiableMap(Function.identity(), Function.identity()));
    /** Characters with a meaning in MongoDB's (PCRE) and mongo-java-server's (java.util.regex) patterns. */
    private static final String REGEX_METACHARACTERS = "\\^$.|?*+()[]{}";

    public static MemberFilter of(UUID organizationId) {
        return new MemberFilter(organizationId, null, null, null, null, null);
    }

    /** Reads the raw parameters; every bad one is reported to {@code params}. */
    static MemberFilter parse(UUID organizationId, String q, String role, String teamId, String status,
                              PageRequest page, QueryParameters params) {
        String prefix = params.text("q", q, MAX_PREFIX_LENGTH);
        return new MemberFilter(organizationId, prefix == null ? null : UserProfile.lower(prefix),
                params.oneOf("role", role, ORGANIZATION_ROLES), params.uuid("teamId", teamId),
                params.oneOf("status", status, MemberStatus.BY_WIRE_NAME), params.keyset(page.after(), id -> id.startsWith(organizationId + ":")));
    }


    public Bson toBson() {
        List<Bson> conditions = new ArrayList<>();
        conditions.add(Filters.eq(ORGANIZATION_ID, organizationId.toString()));
        if (status != null) {
            conditions.add(Filters.eq(STATUS, status.wireName()));
        }
        if (role != null) {
            conditions.add(Filters.eq(ROLES, role));
        }
        if (teamId != null) {
            conditions.add(Filters.eq(TEAM_IDS, teamId.toString()));
        }
        if (prefix != null) {
            conditions.add(Filters.regex(SEARCH_TERMS, "^" + escapeRegex(prefix)));
        }
        if (after != null) {
            conditions.add(after.after(EMAIL_LOWER, ID));
        }
        return Filters.and(conditions);
    }

    /**
     * Makes user input match itself literally. {@code Pattern.quote}'s \Q…\E is not understood by every
     * server, so each metacharacter gets its own backslash, which PCRE and java.util.regex both read as
     * "this character, literally".
     */
    static String escapeRegex(String text) {
        StringBuilder escaped = new StringBuilder(text.length() + 8);
        text.chars().forEach(c -> {
            if (REGEX_METACHARACTERS.indexOf(c) >= 0) {
                escaped.append('\\');
            }
            escaped.append((char) c);
        });
        return escaped.toString();
    }
}

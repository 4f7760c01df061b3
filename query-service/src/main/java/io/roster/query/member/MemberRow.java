package io.roster.query.member;

import io.roster.query.web.KeysetCursor;
import org.bson.Document;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * A document of {@code members-v1}: one per member (and, with invitations, per pending invitee) of an
 * organization. {@code id} is {@code organizationId:userId} for a member, so every membership event finds
 * its row by key; {@code emailLower} (empty while the profile is unknown) and {@code id} are the list's
 * sort key, unique within the organization.
 */
public record MemberRow(String id, UUID organizationId, UUID userId, String email, String emailLower,
                        String firstName, String lastName, List<String> roles, List<TeamRef> teams,
                        MemberStatus status, Instant joinedAt, Instant invitedAt, Instant expiresAt) {

    static final String ID = "_id";
    static final String ORGANIZATION_ID = "organizationId";
    static final String USER_ID = "userId";
    static final String STATUS = "status";
    static final String ROLES = "roles";
    static final String TEAM_IDS = "teamIds";
    static final String TEAMS = "teams";
    static final String JOINED_AT = "joinedAt";
    static final String INVITED_AT = "invitedAt";
    static final String EXPIRES_AT = "expiresAt";
    static final String EMAIL = "email";
    static final String EMAIL_LOWER = "emailLower";
    static final String FIRST_NAME = "firstName";
    static final String LAST_NAME = "lastName";
    static final String SEARCH_TERMS = "searchTerms";
    static final String PROFILE_VERSION = "profileVersion";

    static String idOf(UUID organizationId, UUID userId) {
        return organizationId + ":" + userId;
    }

    public MemberView view() {
        return new MemberView(userId, email, firstName, lastName, roles, teams, status, joinedAt, invitedAt, expiresAt);
    }

    MembershipView membership(String organizationName) {
        return new MembershipView(organizationId, organizationName, roles, teams, joinedAt);
    }

    /** What the next page's cursor holds when this row ends a page. */
    public String cursor() {
        return KeysetCursor.of(emailLower, id);
    }

    static MemberRow from(Document d) {
        String userId = d.getString(USER_ID);
        return new MemberRow(d.getString(ID), UUID.fromString(d.getString(ORGANIZATION_ID)),
                userId == null ? null : UUID.fromString(userId),
                d.getString(EMAIL), d.get(EMAIL_LOWER, ""), d.getString(FIRST_NAME), d.getString(LAST_NAME),
                List.copyOf(d.getList(ROLES, String.class, List.of())),
                d.getList(TEAMS, Document.class, List.of()).stream()
                        .map(t -> new TeamRef(UUID.fromString(t.getString("teamId")), t.getString("name"))).toList(),
                MemberStatus.fromWire(d.getString(STATUS)), instant(d.getDate(JOINED_AT)), instant(d.getDate(INVITED_AT)),
                instant(d.getDate(EXPIRES_AT)));
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}

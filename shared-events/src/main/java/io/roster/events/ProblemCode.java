package io.roster.events;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The stable machine codes of the API's RFC 9457 problems (PRODUCT.md §2), each with its one HTTP status. The wire
 * code is the constant's name in lower case ({@code INVITATION_EXPIRED} → {@code invitation_expired}); a code never
 * changes once published. Here, in the contract, so that rules outside any web layer (aggregates, the invitation
 * validity) name the same codes every service answers with.
 */
public enum ProblemCode {
    VALIDATION_FAILED(400),
    MALFORMED_REQUEST(400),
    MALFORMED_CSV(400),
    INVALID_CSV_HEADER(400),
    EMPTY_CSV(400),
    /** A page flow whose invitation cookie is gone (the invitation pages). */
    INVITATION_MISSING(400),

    UNAUTHENTICATED(401),
    INVALID_CREDENTIALS(401),
    /** A token renewal of a session signed in longer ago than the maximum session age: only a new sign-in goes on. */
    SESSION_TOO_OLD(401),

    FORBIDDEN(403),
    EMAIL_MISMATCH(403),
    EMAIL_NOT_VERIFIED(403),
    INVITATION_REQUIRED(403),

    NOT_FOUND(404),
    INVITATION_NOT_FOUND(404),
    TOKEN_NOT_FOUND(404),

    METHOD_NOT_ALLOWED(405),
    NOT_ACCEPTABLE(406),

    CONFLICT(409),
    EMAIL_TAKEN(409),
    EMAIL_ALREADY_VERIFIED(409),
    /** A set-up link was asked for an account that already has a password. */
    ACCOUNT_ALREADY_SET_UP(409),
    ALREADY_MEMBER(409),
    ALREADY_INVITED(409),
    LAST_ADMIN(409),
    CANNOT_DELETE_SELF(409),
    TEAM_NAME_TAKEN(409),
    USER_IN_OTHER_ORGANIZATION(409),
    LAST_PROVIDER_ADMIN(409),
    IDEMPOTENCY_KEY_REUSED(409),
    REPUBLISH_IN_PROGRESS(409),
    RELAY_CLAIMED_ELSEWHERE(409),
    REBUILD_IN_PROGRESS(409),
    /** A dead letter already re-driven or discarded. */
    DEAD_LETTER_RESOLVED(409),
    /** A re-driven dead letter that still cannot be applied. */
    DEAD_LETTER_STILL_FAILING(409),

    INVITATION_EXPIRED(410),
    INVITATION_REVOKED(410),
    INVITATION_DISABLED(410),
    INVITATION_USED(410),
    INVITATION_DECLINED(410),
    QUOTA_EXHAUSTED(410),
    TOKEN_EXPIRED(410),
    /** The membership an invitation or link offers would already be over (its membershipExpiresAt has passed). */
    MEMBERSHIP_EXPIRED(410),

    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    RATE_LIMITED(429),

    INTERNAL_ERROR(500),
    SERVICE_UNAVAILABLE(503);

    private static final Map<String, ProblemCode> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ProblemCode::code, Function.identity()));

    private final int status;
    private final String code;

    ProblemCode(int status) {
        this.status = status;
        this.code = name().toLowerCase(Locale.ROOT);
    }

    /** The wire code, e.g. {@code validation_failed}. */
    public String code() {
        return code;
    }

    /** The HTTP status every service answers this code with. */
    public int status() {
        return status;
    }

    public static Optional<ProblemCode> of(String code) {
        return Optional.ofNullable(code == null ? null : BY_CODE.get(code));
    }

    /**
     * The general code of an HTTP status that no rule chose (a framework's own refusal): a 4xx without one of its
     * own is a malformed request, a 5xx an internal error.
     */
    public static ProblemCode ofStatus(int status) {
        return switch (status) {
            case 400 -> MALFORMED_REQUEST;
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 409 -> CONFLICT;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> RATE_LIMITED;
            case 503 -> SERVICE_UNAVAILABLE;
            default -> status >= 500 ? INTERNAL_ERROR : MALFORMED_REQUEST;
        };
    }

    @Override
    public String toString() {
        return code;
    }
}

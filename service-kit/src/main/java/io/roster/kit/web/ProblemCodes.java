package io.roster.kit.web;

import org.springframework.http.HttpStatus;

import java.util.Map;

/** The stable machine codes of PRODUCT.md §2 that the shared web layer itself answers with. */
public final class ProblemCodes {
    public static final String VALIDATION_FAILED = "validation_failed";
    public static final String MALFORMED_REQUEST = "malformed_request";
    public static final String UNAUTHENTICATED = "unauthenticated";
    public static final String FORBIDDEN = "forbidden";
    public static final String NOT_FOUND = "not_found";
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";
    public static final String NOT_ACCEPTABLE = "not_acceptable";
    public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String CONFLICT = "conflict";
    public static final String UNAVAILABLE = "service_unavailable";
    public static final String INTERNAL_ERROR = "internal_error";

    /** The HTTP status of every rule code of PRODUCT.md §2; unknown codes are conflicts. */
    private static final Map<String, HttpStatus> STATUS_OF_RULE = Map.ofEntries(
            Map.entry("invalid_credentials", HttpStatus.UNAUTHORIZED),
            Map.entry(FORBIDDEN, HttpStatus.FORBIDDEN),
            Map.entry("email_mismatch", HttpStatus.FORBIDDEN),
            Map.entry("email_not_verified", HttpStatus.FORBIDDEN),
            Map.entry(NOT_FOUND, HttpStatus.NOT_FOUND),
            Map.entry("invitation_not_found", HttpStatus.NOT_FOUND),
            Map.entry(VALIDATION_FAILED, HttpStatus.BAD_REQUEST),
            Map.entry(MALFORMED_REQUEST, HttpStatus.BAD_REQUEST),
            Map.entry("invitation_expired", HttpStatus.GONE),
            Map.entry("invitation_revoked", HttpStatus.GONE),
            Map.entry("invitation_disabled", HttpStatus.GONE),
            Map.entry("invitation_used", HttpStatus.GONE),
            Map.entry("quota_exhausted", HttpStatus.GONE),
            Map.entry(RATE_LIMITED, HttpStatus.TOO_MANY_REQUESTS));

    private ProblemCodes() {
    }

    public static HttpStatus statusOf(String ruleCode) {
        return STATUS_OF_RULE.getOrDefault(ruleCode, HttpStatus.CONFLICT);
    }
}

package io.roster.events.invitation;

import io.roster.events.ProblemCode;

import java.time.Instant;
import java.util.Optional;

/**
 * Whether an invitation (personal or link) can still be used, decided alike by both invitation aggregates, the
 * invitation pages and identity's sign-up check, each from its own view of the invitation. A refusal carries its
 * problem code (HTTP 410) and what to tell the person holding the link. Who may use it (the address, the link's
 * audience, a verified address) is not part of this decision.
 */
public enum InvitationValidity {
    USABLE(null, null),
    EXPIRED(ProblemCode.INVITATION_EXPIRED, "This invitation has expired; ask for a new one."),
    REVOKED(ProblemCode.INVITATION_REVOKED, "This invitation was revoked."),
    USED(ProblemCode.INVITATION_USED, "This invitation was already used."),
    DECLINED(ProblemCode.INVITATION_DECLINED, "This invitation was declined."),
    DISABLED(ProblemCode.INVITATION_DISABLED, "This invitation link is disabled."),
    QUOTA_EXHAUSTED(ProblemCode.QUOTA_EXHAUSTED, "This invitation link was used as often as it may be.");

    private final ProblemCode code;
    private final String detail;

    InvitationValidity(ProblemCode code, String detail) {
        this.code = code;
        this.detail = detail;
    }

    public boolean usable() {
        return this == USABLE;
    }

    /** The refusal's problem code; empty when usable. */
    public Optional<ProblemCode> code() {
        return Optional.ofNullable(code);
    }

    /** What the refusal tells the person holding the link; null when usable. */
    public String detail() {
        return detail;
    }

    /**
     * A personal invitation, by its status as events leave it ({@code pending}, {@code accepted}, {@code revoked},
     * {@code expired}, {@code declined}): a pending one past its expiry is expired before its InvitationExpired.
     */
    public static InvitationValidity ofInvitation(String status, Instant expiresAt, Instant now) {
        return switch (status == null ? "pending" : status) {
            case "accepted" -> USED;
            case "revoked" -> REVOKED;
            case "expired" -> EXPIRED;
            case "declined" -> DECLINED;
            default -> expiresAt != null && !now.isBefore(expiresAt) ? EXPIRED : USABLE;
        };
    }

    /** An invitation link: disabled, then expired (no expiry = never), then its quota (none = unlimited). */
    public static InvitationValidity ofLink(boolean enabled, Instant expiresAt, Integer quota, int used, Instant now) {
        if (!enabled) {
            return DISABLED;
        }
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return EXPIRED;
        }
        return quota != null && used >= quota ? QUOTA_EXHAUSTED : USABLE;
    }

    /**
     * The status the invitation preview shows for a link ({@code enabled}, {@code disabled}, {@code expired},
     * {@code exhausted}).
     */
    public String linkStatus() {
        return switch (this) {
            case USABLE -> "enabled";
            case DISABLED -> "disabled";
            case EXPIRED -> "expired";
            case QUOTA_EXHAUSTED -> "exhausted";
            default -> name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * The validity a preview's status stands for, personal ({@code pending}, {@code accepted}, …) or link
     * ({@code enabled}, {@code exhausted}, …).
     */
    public static InvitationValidity ofStatus(String status) {
        return switch (status == null ? "" : status) {
            case "accepted" -> USED;
            case "revoked" -> REVOKED;
            case "expired" -> EXPIRED;
            case "declined" -> DECLINED;
            case "disabled" -> DISABLED;
            case "exhausted" -> QUOTA_EXHAUSTED;
            default -> USABLE;
        };
    }
}

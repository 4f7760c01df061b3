package io.roster.events.notification;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which email a notification is. */
public enum NotificationKind {
    @JsonProperty("invitation")
    INVITATION,
    @JsonProperty("invitation-resent")
    INVITATION_RESENT,
    /** A pending invitation's one reminder before it expires, with the link of its last invitation email. */
    @JsonProperty("invitation-reminder")
    INVITATION_REMINDER,
    @JsonProperty("account-setup")
    ACCOUNT_SETUP,
    @JsonProperty("email-verification")
    EMAIL_VERIFICATION,
    /** A link to choose a new password, asked for by someone at the address. */
    @JsonProperty("password-reset")
    PASSWORD_RESET,
    /** A link for the owner of an address to take back an account never verified, after a sign-up attempt with it. */
    @JsonProperty("address-claim")
    ADDRESS_CLAIM,
    @JsonProperty("welcome")
    WELCOME,
    @JsonProperty("member-removed")
    MEMBER_REMOVED,
    @JsonProperty("test")
    TEST
}

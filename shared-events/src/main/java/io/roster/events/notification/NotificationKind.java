package io.roster.events.notification;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which email a notification is. */
public enum NotificationKind {
    @JsonProperty("invitation")
    INVITATION,
    @JsonProperty("invitation-resent")
    INVITATION_RESENT,
    @JsonProperty("account-setup")
    ACCOUNT_SETUP,
    @JsonProperty("email-verification")
    EMAIL_VERIFICATION,
    @JsonProperty("welcome")
    WELCOME,
    @JsonProperty("member-removed")
    MEMBER_REMOVED,
    @JsonProperty("test")
    TEST
}

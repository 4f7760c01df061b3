package io.roster.events.identity;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why a membership ended. */
public enum RemovalReason {
    @JsonProperty("removed")
    REMOVED,
    @JsonProperty("left")
    LEFT,
    @JsonProperty("account-deleted")
    ACCOUNT_DELETED
}

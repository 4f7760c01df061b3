package io.roster.events.identity;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How an email address was proved. */
public enum VerificationMethod {
    @JsonProperty("link")
    LINK,
    @JsonProperty("invitation")
    INVITATION
}

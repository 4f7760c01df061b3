package io.roster.events.identity;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a password came to be set or replaced. */
public enum PasswordChangeMethod {
    /** The user changed it, giving the current one. */
    @JsonProperty("change")
    CHANGE,
    /** Through a reset link mailed to the verified address. */
    @JsonProperty("reset")
    RESET,
    /** The owner of an address took back an account that was never verified, through a link mailed to it. */
    @JsonProperty("claim")
    CLAIM,
    /** The first password of an account created without one, through its set-up link. */
    @JsonProperty("setup")
    SETUP
}

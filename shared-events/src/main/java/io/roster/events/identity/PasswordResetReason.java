package io.roster.events.identity;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Why a password-reset mail is sent. */
public enum PasswordResetReason {
    /** Someone asked for a reset of this address's password. */
    @JsonProperty("requested")
    REQUESTED,
    /** Someone tried to sign up with this address, held by an account that was never verified. */
    @JsonProperty("sign-up-attempt")
    SIGN_UP_ATTEMPT
}

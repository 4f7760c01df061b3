package io.roster.events.identity;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How an account came to exist. */
public enum RegistrationSource {
    @JsonProperty("admin")
    ADMIN,
    @JsonProperty("sign-up")
    SIGN_UP,
    @JsonProperty("bootstrap")
    BOOTSTRAP
}

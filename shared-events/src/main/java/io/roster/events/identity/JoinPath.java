package io.roster.events.identity;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a member joined. */
public enum JoinPath {
    @JsonProperty("direct")
    DIRECT,
    @JsonProperty("invitation")
    INVITATION,
    @JsonProperty("link")
    LINK
}

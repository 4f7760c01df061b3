package io.roster.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Who is signed in, kept in the server-side WebSession (the browser only holds the session cookie): the access token
 * identity issued and what its claims say. The claims are read, not verified: they only choose what the pages show;
 * every service verifies the token itself on each call.
 */
public record SignedInUser(String userId, String email, boolean providerAdmin, String accessToken, Instant expiresAt)
        implements Serializable {

    static final String SESSION_ATTRIBUTE = "roster.console.user";

    static SignedInUser fromToken(String accessToken, long expiresInSeconds, Instant now, ObjectMapper json) throws IOException {
        String[] parts = accessToken.split("\\.");
        if (parts.length < 2) {
            throw new IOException("not a JWT");
        }
        JsonNode claims = json.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        boolean providerAdmin = false;
        for (JsonNode role : claims.path("providerRoles")) {
            providerAdmin |= "provider-admin".equals(role.asText());
        }
        return new SignedInUser(claims.path("sub").asText(), claims.path("email").asText(), providerAdmin, accessToken,
                now.plusSeconds(expiresInSeconds));
    }

    @Override
    public String toString() {
        // never the token in a log line
        return "SignedInUser[" + userId + ", " + email + ", providerAdmin=" + providerAdmin + ", expiresAt=" + expiresAt + "]";
    }
}

package io.roster.invitation.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * {@code roster.invitation.*}: where invitees open their links ({@code <publicBaseUrl>/invite/<token>}) and
 * how often pending invitations past their expiry are looked for.
 */
@ConfigurationProperties("roster.invitation")
public record InvitationProperties(@DefaultValue("http://127.0.0.1:8082") String publicBaseUrl,
                                   @DefaultValue("PT5S") Duration expiryInterval) {

    public String inviteUrl(String token) {
        return publicBaseUrl.replaceAll("/+$", "") + "/invite/" + token;
    }
}

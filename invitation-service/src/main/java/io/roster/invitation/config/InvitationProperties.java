package io.roster.invitation.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * {@code roster.invitation.*}: where invitees open their links ({@code <publicBaseUrl>/invite/<token>}), how often
 * pending invitations past their expiry are looked for, and after how long a claim on an address whose invitation
 * is not pending counts as abandoned (its request died between claiming and storing the invitation) and may be taken
 * over. That bound must lie well beyond the longest a request takes from claim to append.
 */
@ConfigurationProperties("roster.invitation")
public record InvitationProperties(@DefaultValue("http://127.0.0.1:8082") String publicBaseUrl,
                                   @DefaultValue("PT5S") Duration expiryInterval,
                                   @DefaultValue("PT5M") Duration abandonedClaimAfter) {

    public String inviteUrl(String token) {
        return publicBaseUrl.replaceAll("/+$", "") + "/invite/" + token;
    }
}

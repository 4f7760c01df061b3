package io.roster.notification.email;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What the emails say and where their links lead ({@code roster.notification.*}).
 *
 * @param publicBaseUrl the address users reach Roster at; relative link paths are appended to it
 * @param productName   how the emails name the product
 * @param links         the link of each email type, with {@code {token}} where the token goes; a path is
 *                      relative to {@code publicBaseUrl}, a full {@code http(s)://} URL is used as it is
 */
@ConfigurationProperties("roster.notification")
public record EmailProperties(
        @DefaultValue("http://127.0.0.1:8082") String publicBaseUrl,
        @DefaultValue("Roster") String productName,
        @DefaultValue Links links) {

    public record Links(
            @DefaultValue("/invite/{token}") String invitation,
            @DefaultValue("/account-setup?token={token}") String accountSetup,
            @DefaultValue("/verify-email?token={token}") String emailVerification,
            @DefaultValue("/password-reset?token={token}") String passwordReset) {
    }
}

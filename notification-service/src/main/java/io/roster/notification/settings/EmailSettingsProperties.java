package io.roster.notification.settings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * Limits on organizations' SMTP settings ({@code roster.notification.email-settings.*}).
 *
 * @param allowedPorts the SMTP ports an organization may configure; empty allows any. The default (the
 *                     SMTP submission ports) keeps an organization admin from pointing the service at
 *                     arbitrary internal services.
 */
@ConfigurationProperties("roster.notification.email-settings")
public record EmailSettingsProperties(@DefaultValue({"25", "465", "587", "2525"}) List<Integer> allowedPorts) {
}

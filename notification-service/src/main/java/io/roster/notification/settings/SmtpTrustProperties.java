package io.roster.notification.settings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.util.List;

/**
 * What an organization's own SMTP settings may point at (PRODUCT.md §3a).
 *
 * @param allowPrivateSmtpHosts  whether an organization's SMTP host may be a loopback, link-local, private or this
 *                               machine's own address (true only where the mail catcher is local, as in the local
 *                               stack); otherwise such hosts are refused when set and again at every send
 * @param allowedSenderDomains   the domains an organization may send from; any other sender address is replaced by
 *                               the platform's (the organization's sender name is kept)
 */
@ConfigurationProperties("roster.notification")
public record SmtpTrustProperties(@DefaultValue("false") boolean allowPrivateSmtpHosts,
                                  @DefaultValue("") List<String> allowedSenderDomains) {
}

package io.roster.kit.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The largest request body a service reads (bulk CSV endpoints raise it). */
@ConfigurationProperties("roster.web")
public record WebLimits(@DefaultValue("1048576") long maxBodyBytes) {
}

package io.roster.notification.email;

import org.springframework.stereotype.Component;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Builds the links of the emails from the configured public base URL and link templates. */
@Component
public class LinkBuilder {

    private static final String TOKEN = "{token}";

    private final EmailProperties properties;

    LinkBuilder(EmailProperties properties) {
        this.properties = properties;
        for (String template : new String[] {properties.links().invitation(), properties.links().accountSetup(),
                properties.links().emailVerification(), properties.links().passwordReset()}) {
            if (!template.contains(TOKEN)) {
                throw new IllegalStateException("link template " + template + " has no " + TOKEN);
            }
        }
    }

    public String invitation(String token) {
        return build(properties.links().invitation(), token);
    }

    public String accountSetup(String token) {
        return build(properties.links().accountSetup(), token);
    }

    public String emailVerification(String token) {
        return build(properties.links().emailVerification(), token);
    }

    public String passwordReset(String token) {
        return build(properties.links().passwordReset(), token);
    }

    private String build(String template, String token) {
        String withToken = template.replace(TOKEN, URLEncoder.encode(token, StandardCharsets.UTF_8));
        if (withToken.startsWith("http://") || withToken.startsWith("https://")) {
            return withToken;
        }
        String base = properties.publicBaseUrl().endsWith("/")
                ? properties.publicBaseUrl().substring(0, properties.publicBaseUrl().length() - 1)
                : properties.publicBaseUrl();
        return base + (withToken.startsWith("/") ? withToken : "/" + withToken);
    }
}

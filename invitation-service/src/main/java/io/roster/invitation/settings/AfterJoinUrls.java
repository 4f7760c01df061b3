package io.roster.invitation.settings;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

import java.net.URI;
import java.util.Optional;
import java.util.UUID;

/**
 * Where an invitee goes once they joined (issue 17 item 8): the product, not a dead-end page. The organization's own
 * address if its admins set one, else the service's {@code roster.invitation.after-join-url}
 * ({@code ROSTER_INVITATION_AFTER_JOIN_URL}), else nowhere (the invite page says "you joined"). The invitee arrives
 * with {@code ?organizationId=…}. An admin's setting is one document per organization in {@code invitation-settings-v1}.
 */
@Component
public class AfterJoinUrls {

    static final int MAX_LENGTH = 2000;

    private final MongoCollection<Document> settings;
    private final String serviceDefault;

    AfterJoinUrls(MongoDatabase database, @Value("${roster.invitation.after-join-url:}") String serviceDefault) {
        this.settings = database.getCollection("invitation-settings-v1");
        this.serviceDefault = serviceDefault.isBlank() ? null : requireValid(serviceDefault);
    }

    /** The organization's own address, if its admins set one. */
    public Optional<String> ofOrganization(UUID organizationId) {
        Document d = settings.find(Filters.eq("_id", organizationId.toString())).first();
        return Optional.ofNullable(d).map(doc -> doc.getString("afterJoinUrl"));
    }

    /** Where to send an invitee who just joined the organization, with the organization's id; empty: nowhere. */
    public Optional<URI> forJoined(UUID organizationId) {
        return ofOrganization(organizationId).or(() -> Optional.ofNullable(serviceDefault))
                .map(url -> UriComponentsBuilder.fromUriString(url).queryParam("organizationId", organizationId).build().toUri());
    }

    /** Sets (or, with null, removes) the organization's own address; the caller checked who may. */
    public void set(UUID organizationId, String url) {
        // one field of the organization's settings document: the others (ReminderSettings') stay as they are
        if (url == null) {
            settings.updateOne(Filters.eq("_id", organizationId.toString()), Updates.unset("afterJoinUrl"));
            return;
        }
        settings.updateOne(Filters.eq("_id", organizationId.toString()), Updates.set("afterJoinUrl", requireValid(url)),
                new UpdateOptions().upsert(true));
    }

    /** An absolute http(s) URL without a fragment, at most {@value #MAX_LENGTH} characters. */
    static boolean isValid(String url) {
        if (url == null || url.length() > MAX_LENGTH) {
            return false;
        }
        try {
            URI uri = new URI(url);
            return ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getFragment() == null && uri.getUserInfo() == null;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static String requireValid(String url) {
        if (!isValid(url)) {
            throw new IllegalArgumentException("not an absolute http(s) URL without a fragment: " + url);
        }
        return url;
    }
}

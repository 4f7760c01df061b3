package io.roster.notification.email;

import io.roster.events.notification.NotificationKind;

import java.util.UUID;

/**
 * What an email is composed from: its kind, its recipient and organization, and the triggering event as it was
 * stored (null for a test email). A delivery is one; the composer needs no more of it.
 */
public interface EmailSource {

    NotificationKind kind();

    UUID organizationId();

    String recipient();

    /** The triggering event's {@code ce_type}. */
    String eventType();

    /** The triggering event's JSON, its token still sealed. */
    String eventJson();
}

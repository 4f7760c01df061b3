package io.roster.events.notification;

/** Outcomes of email deliveries (topic {@code roster.notification.v1}). */
public sealed interface NotificationEvent extends io.roster.events.RosterEvent permits NotificationSent, NotificationFailed {
}

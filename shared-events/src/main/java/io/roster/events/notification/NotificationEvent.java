package io.roster.events.notification;

import io.roster.events.RosterEvent;

/** Outcomes of email deliveries (topic {@code roster.notification.v1}). */
public sealed interface NotificationEvent extends RosterEvent permits NotificationSent, NotificationFailed {
}

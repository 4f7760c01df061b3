package io.roster.notification.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Keeps one organization's email from holding up another's. Per route (an organization, or the
 * platform for emails of none) at most {@code perOrganizationConcurrency} emails are in flight, and
 * after a transient failure the whole route pauses with exponential backoff: while an organization's
 * SMTP server is down, its emails wait in MongoDB (one probe per pause, attempts are not burnt by the
 * others) and every worker stays free for the other organizations.
 */
final class OrganizationGate {

    private final int limit;
    private final RetryPolicy backoff;
    private final Map<String, Route> routes = new HashMap<>();

    OrganizationGate(int perOrganizationConcurrency, RetryPolicy backoff) {
        this.limit = perOrganizationConcurrency;
        this.backoff = backoff;
    }

    /** The routes a worker must not take a delivery of now. */
    synchronized Set<String> excluded(Instant now) {
        Set<String> excluded = new HashSet<>();
        routes.forEach((key, route) -> {
            if (route.inFlight >= limit || (route.pausedUntil != null && route.pausedUntil.isAfter(now))) {
                excluded.add(key);
            }
        });
        return excluded;
    }

    synchronized void enter(String route) {
        routes.computeIfAbsent(route, key -> new Route()).inFlight++;
    }

    synchronized void leave(String key, Attempt attempt, Instant now) {
        Route route = routes.get(key);
        if (route == null) {
            return;
        }
        route.inFlight--;
        if (attempt == Attempt.TRANSIENT_FAILURE) {
            route.failures++;
            Duration pause = backoff.backoffAfter(route.failures);
            route.pausedUntil = now.plus(pause);
        } else if (attempt == Attempt.SENT || attempt == Attempt.PERMANENT_FAILURE) {
            // the server answered: it is up
            route.failures = 0;
            route.pausedUntil = null;
        }
        if (route.inFlight <= 0 && route.failures == 0) {
            routes.remove(key);
        }
    }

    synchronized Instant pausedUntil(String key) {
        Route route = routes.get(key);
        return route == null ? null : route.pausedUntil;
    }

    private static final class Route {
        int inFlight;
        int failures;
        Instant pausedUntil;
    }
}

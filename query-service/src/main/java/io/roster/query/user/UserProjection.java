package io.roster.query.user;

import io.roster.events.EventEnvelope;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserProfileUpdated;
import io.roster.events.identity.UserRegistered;
import io.roster.query.consumer.EventBatch;
import io.roster.query.consumer.Projection;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Applies user events to {@code users}, then hands the current profile to the read models that copy it.
 *
 * <p>In a batch the user events are held to its end and written together (a crowd registering, a replay): one read of
 * the stored versions, one bulk write of the new profiles, one read of the rows that show them, instead of a read and
 * a write per event. A membership event of the same batch may list its row on a user whose profile is still held: it
 * finds no profile then, and the read of the rows, made after the profiles are written, finds the row and the profile
 * is spread onto it, as when the user's partition is behind (see {@link UserStore}).
 */
@Component
class UserProjection implements Projection, EventBatch.Writer<EventEnvelope> {

    private final UserStore users;
    private final List<UserProfileListener> listeners;

    UserProjection(UserStore users, List<UserProfileListener> listeners) {
        this.users = users;
        this.listeners = listeners;
    }

    @Override
    public void apply(EventEnvelope envelope, EventBatch batch) {
        if (userOf(envelope.event()) != null) {
            batch.hold(this, envelope);
        }
    }

    @Override
    public void apply(EventEnvelope envelope) {
        if (userOf(envelope.event()) != null) {
            writeAll(List.of(envelope));
        }
    }

    /**
     * Each user's events in order onto the stored profile, each only if newer than what is stored; then the profiles
     * spread onto the rows showing them. A user whose events are all older or redelivered spreads the stored profile
     * again, in case the consumer died between saving it and spreading it. A deletion spreads nothing: the member rows
     * go with the MemberRemoved events it brings, one per membership.
     */
    @Override
    public void writeAll(List<EventEnvelope> events) {
        Map<UUID, List<EventEnvelope>> byUser = new LinkedHashMap<>();
        events.forEach(envelope -> byUser.computeIfAbsent(userOf(envelope.event()), id -> new ArrayList<>()).add(envelope));
        Map<UUID, UserStore.Stored> stored = users.loadAll(byUser.keySet());
        List<UserStore.Change> changes = new ArrayList<>();
        Map<UUID, UserProfile> toSpread = new LinkedHashMap<>();
        byUser.forEach((userId, userEvents) -> {
            Optional<UserProfile> profile = stored.get(userId).profile();
            long version = stored.get(userId).version();
            boolean changed = false;
            for (EventEnvelope envelope : userEvents) {
                if (envelope.sequenceNumber() <= version) {
                    continue;
                }
                version = envelope.sequenceNumber();
                profile = envelope.event() instanceof UserDeleted ? Optional.empty()
                        : Optional.of(newProfile(envelope.event(), userId, profile, version));
                changed = true;
            }
            if (changed) {
                changes.add(new UserStore.Change(userId, profile.orElse(null), version));
            }
            profile.ifPresent(p -> toSpread.put(userId, p));
        });
        users.writeAll(changes);
        Map<UUID, List<String>> rows = users.memberRowsOf(toSpread.keySet());
        toSpread.forEach((userId, profile) -> spread(profile, rows.getOrDefault(userId, List.of())));
    }

    /** The user an event of this projection is about; null for the events it does not apply. */
    private static UUID userOf(Object event) {
        if (event instanceof UserRegistered registered) {
            return registered.userId();
        } else if (event instanceof UserProfileUpdated updated) {
            return updated.userId();
        } else if (event instanceof UserDeleted deleted) {
            return deleted.userId();
        }
        return null;
    }

    private static UserProfile newProfile(Object event, UUID userId, Optional<UserProfile> stored, long version) {
        if (event instanceof UserRegistered registered) {
            return new UserProfile(userId, registered.email(), registered.firstName(), registered.lastName(), version);
        }
        UserProfileUpdated updated = (UserProfileUpdated) event;
        return stored.map(profile -> profile.withName(updated.firstName(), updated.lastName(), version))
                .orElseGet(() -> new UserProfile(userId, null, updated.firstName(), updated.lastName(), version));
    }

    private void spread(UserProfile profile, List<String> memberRows) {
        listeners.forEach(listener -> listener.profileChanged(profile, memberRows));
    }
}

package io.roster.query.user;

import io.roster.events.EventEnvelope;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserProfileUpdated;
import io.roster.events.identity.UserRegistered;
import io.roster.query.consumer.Projection;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Applies user events to {@code users}, then hands the current profile to the read models that copy it.
 * Every write is by id: one read of the stored document, one write that also answers the rows to update.
 */
@Component
class UserProjection implements Projection {

    private final UserStore users;
    private final List<UserProfileListener> listeners;

    UserProjection(UserStore users, List<UserProfileListener> listeners) {
        this.users = users;
        this.listeners = listeners;
    }

    @Override
    public void apply(EventEnvelope envelope) {
        long version = envelope.sequenceNumber();
        UUID userId;
        if (envelope.event() instanceof UserRegistered registered) {
            userId = registered.userId();
        } else if (envelope.event() instanceof UserProfileUpdated updated) {
            userId = updated.userId();
        } else if (envelope.event() instanceof UserDeleted deleted) {
            // the member rows go with the MemberRemoved events the deletion brings, one per membership
            if (users.load(deleted.userId()).version() < version) {
                users.markDeleted(deleted.userId(), version);
            }
            return;
        } else {
            return;
        }
        UserStore.Stored stored = users.load(userId);
        if (stored.version() >= version) {
            // a redelivery or an older event: the stored profile stays, and spreads again in case the
            // consumer died between saving it and spreading it
            stored.profile().ifPresent(profile -> spread(profile, stored.memberRows()));
            return;
        }
        UserProfile profile = newProfile(envelope.event(), userId, stored.profile(), version);
        spread(profile, users.save(profile));
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

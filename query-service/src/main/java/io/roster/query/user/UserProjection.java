package io.roster.query.user;

import io.roster.events.EventEnvelope;
import io.roster.events.identity.UserDeleted;
import io.roster.events.identity.UserProfileUpdated;
import io.roster.events.identity.UserRegistered;
import io.roster.query.consumer.Projection;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/** Applies user events to {@code users-v1}, then hands the current profile to the read models that copy it. */
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
            users.save(new UserProfile(userId, registered.email(), registered.firstName(), registered.lastName(), version));
        } else if (envelope.event() instanceof UserProfileUpdated updated) {
            userId = updated.userId();
            users.save(users.find(userId)
                    .map(profile -> profile.withName(updated.firstName(), updated.lastName(), version))
                    .orElseGet(() -> new UserProfile(updated.userId(), null, updated.firstName(), updated.lastName(), version)));
        } else if (envelope.event() instanceof UserDeleted deleted) {
            // the member rows go with the MemberRemoved events the deletion brings, one per membership
            users.markDeleted(deleted.userId(), version);
            return;
        } else {
            return;
        }
        // the stored profile, not the event's: after a stale redelivery it is the newer one that spreads
        users.find(userId).ifPresent(profile -> listeners.forEach(listener -> listener.profileChanged(profile)));
    }
}

package io.roster.kit.revocation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.identity.PasswordChanged;
import io.roster.events.identity.ProviderRolesChanged;
import io.roster.events.identity.UserDeleted;
import io.roster.kit.security.TokenSettings;
import org.bson.Document;
import org.springframework.security.oauth2.jwt.Jwt;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Which access tokens no longer count, kept by every service in its own MongoDB from the identity events
 * (collection {@value #COLLECTION}: {@code {_id: userId, revokedBefore: epoch ms, deleted, providerRoles}}). A token is
 * refused when its user was deleted, when it was issued before the user's last password change or reset, or when it
 * claims a provider role the user no longer holds. The store is shared by all replicas of a service (each replica's
 * consumer sees only some partitions); lookups are cached per user for {@link #CACHE_TIME}, part of the 5 s budget.
 */
public final class TokenRevocations {

    static final String COLLECTION = "token-revocations-v1";
    static final Duration CACHE_TIME = Duration.ofSeconds(1);
    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoCollection<Document> collection;
    private final Cache<UUID, Optional<Document>> recent = Caffeine.newBuilder()
            .expireAfterWrite(CACHE_TIME)
            .maximumSize(100_000)
            .build();

    public TokenRevocations(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    void deleted(UserDeleted event) {
        collection.updateOne(Filters.eq("_id", event.userId().toString()), Updates.combine(
                Updates.set("deleted", true),
                Updates.max("revokedBefore", event.occurredAt().toEpochMilli())), UPSERT);
    }

    void passwordChanged(PasswordChanged event) {
        collection.updateOne(Filters.eq("_id", event.userId().toString()),
                Updates.max("revokedBefore", event.occurredAt().toEpochMilli()), UPSERT);
    }

    /** The roles are now exactly these (the runtime applies a user's events in order): a token claiming another is void. */
    void providerRolesChanged(ProviderRolesChanged event) {
        collection.updateOne(Filters.eq("_id", event.userId().toString()),
                Updates.set("providerRoles", List.copyOf(event.providerRoles())), UPSERT);
    }

    /** Why the token no longer counts, or empty when it still does. Blocking: call it off the event loop. */
    public Optional<String> refusal(Jwt jwt) {
        UUID userId;
        try {
            userId = UUID.fromString(jwt.getSubject());
        } catch (RuntimeException e) {
            return Optional.of("the token names no user");
        }
        Optional<Document> state = recent.get(userId,
                id -> Optional.ofNullable(collection.find(Filters.eq("_id", id.toString())).first()));
        if (state.isEmpty()) {
            return Optional.empty();
        }
        Document revocation = state.get();
        if (Boolean.TRUE.equals(revocation.getBoolean("deleted"))) {
            return Optional.of("the account was deleted");
        }
        Number revokedBefore = (Number) revocation.get("revokedBefore");
        if (revokedBefore != null && issuedAtMillis(jwt) < revokedBefore.longValue()) {
            return Optional.of("the token was issued before the password was changed");
        }
        List<String> roles = revocation.getList("providerRoles", String.class);
        List<String> claimed = jwt.getClaimAsStringList("providerRoles");
        if (roles != null && claimed != null && !roles.containsAll(claimed)) {
            return Optional.of("the token claims a provider role the user no longer holds");
        }
        return Optional.empty();
    }

    /** The millisecond claim of the identity service's tokens; whole seconds from {@code iat} for older tokens. */
    private static long issuedAtMillis(Jwt jwt) {
        Object millis = jwt.getClaims().get(TokenSettings.ISSUED_AT_MILLIS_CLAIM);
        if (millis instanceof Number number) {
            return number.longValue();
        }
        Instant issuedAt = jwt.getIssuedAt();
        return issuedAt == null ? Long.MIN_VALUE : issuedAt.toEpochMilli();
    }
}

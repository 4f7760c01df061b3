package io.roster.identity.account;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.EmailAddress;
import io.roster.events.ProblemCode;
import io.roster.kit.web.RuleViolation;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Credentials and provider roles by user, with a unique index on the normalized email: the index, not a
 * check-then-act, decides which of two racing registrations of one address wins.
 *
 * <p>An address is claimed (an account in state {@code pending}) before the user's registration command is
 * sent, confirmed ({@code active}) once it succeeded, and released when it failed. A pending claim that a
 * crashed process left behind is taken over after {@link #STALE_CLAIM}. Deleting a user first marks the
 * account {@code deleting} (no more logins, no new memberships) and removes it at the end, which frees the
 * address. Accounts written before states existed have none and count as active.
 */
@Component
public class Accounts {

    static final Duration STALE_CLAIM = Duration.ofMinutes(2);
    private static final String STATE = "state";
    private static final String PENDING = "pending";
    private static final String ACTIVE = "active";
    private static final String DELETING = "deleting";
    private static final Bson IS_ACTIVE = Filters.nin(STATE, List.of(PENDING, DELETING));

    private final MongoCollection<Document> collection;
    private final Clock clock;

    Accounts(MongoDatabase database, Clock clock) {
        this.collection = database.getCollection("accounts");
        this.clock = clock;
        collection.createIndex(Indexes.ascending("email"), new IndexOptions().unique(true).name("email_unique"));
        collection.createIndex(Indexes.ascending("providerRoles"), new IndexOptions().name("provider_roles"));
    }

    /** An active account by address (login). */
    public Optional<Account> findByEmail(String email) {
        return active(collection.find(Filters.eq("email", EmailAddress.normalize(email))).first()).map(Accounts::toAccount);
    }

    public Optional<Account> findActive(UUID userId) {
        return active(collection.find(byId(userId)).first()).map(Accounts::toAccount);
    }

    /** Whether an account exists for the user, whatever its state. */
    boolean exists(UUID userId) {
        return collection.find(byId(userId)).projection(Projections.include("_id")).first() != null;
    }

    /** Whether the user has an account that can log in and be added (neither still being created nor being deleted). */
    boolean isActiveUser(UUID userId) {
        return active(collection.find(byId(userId)).projection(Projections.include(STATE)).first()).isPresent();
    }

    /** Which of these users have an account that is {@linkplain #isActiveUser active}: one read for the lot. */
    Set<UUID> activeUsers(Collection<UUID> userIds) {
        Set<UUID> active = new HashSet<>();
        collection.find(Filters.in("_id", userIds.stream().map(UUID::toString).distinct().toList()))
                .projection(Projections.include(STATE))
                .forEach(account -> active(account).ifPresent(a -> active.add(UUID.fromString(a.getString("_id")))));
        return active;
    }

    /** Claims the address for a new user; {@code email_taken} when another user holds it. */
    public void claim(Account account) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                collection.insertOne(asDocument(account).append(STATE, PENDING).append("claimedAt", Date.from(clock.instant())));
                return;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            Instant staleBefore = clock.instant().minus(STALE_CLAIM);
            collection.deleteOne(Filters.and(Filters.eq("email", EmailAddress.normalize(account.email())), Filters.eq(STATE, PENDING),
                    Filters.lt("claimedAt", Date.from(staleBefore))));
        }
        throw new RuleViolation(ProblemCode.EMAIL_TAKEN, "Another account uses " + EmailAddress.normalize(account.email()) + ".");
    }

    /**
     * The registrations succeeded: the accounts can log in and be found. Only a pending claim is confirmed (the repair
     * of {@link AccountConfirmations} replays registrations, and must not bring back an account being deleted). One
     * write for the lot (a repair batch's).
     */
    void confirm(List<UUID> userIds) {
        collection.updateMany(Filters.and(Filters.in("_id", userIds.stream().map(UUID::toString).distinct().toList()),
                Filters.eq(STATE, PENDING)), Updates.combine(Updates.set(STATE, ACTIVE), Updates.unset("claimedAt")));
    }

    /** The registration failed: the address is free again. */
    void release(UUID userId) {
        collection.deleteOne(Filters.and(byId(userId), Filters.eq(STATE, PENDING)));
    }

    /** Sets the password of an active account; false when there is none. */
    boolean setPassword(UUID userId, String passwordHash) {
        return collection.updateOne(Filters.and(byId(userId), IS_ACTIVE), Updates.set("passwordHash", passwordHash)).getMatchedCount() > 0;
    }

    /** Sets the provider roles of an active account; its roles before, or empty when there is no such account. */
    Optional<List<String>> setProviderRoles(UUID userId, List<String> providerRoles) {
        return Optional.ofNullable(collection.findOneAndUpdate(Filters.and(byId(userId), IS_ACTIVE), Updates.set("providerRoles", providerRoles)))
                .map(before -> before.getList("providerRoles", String.class, List.of()));
    }

    /** How many active accounts hold the provider role (by the {@code provider_roles} index; there are few). */
    long countActiveWithProviderRole(String role) {
        long count = 0;
        for (Document account : collection.find(Filters.eq("providerRoles", role)).projection(Projections.include(STATE))) {
            if (active(account).isPresent()) {
                count++;
            }
        }
        return count;
    }

    void markDeleting(UUID userId) {
        collection.updateOne(byId(userId), Updates.set(STATE, DELETING));
    }

    void unmarkDeleting(UUID userId) {
        collection.updateOne(Filters.and(byId(userId), Filters.eq(STATE, DELETING)), Updates.set(STATE, ACTIVE));
    }

    void remove(UUID userId) {
        collection.deleteOne(byId(userId));
    }

    /** The hash of the one valid token of a purpose (a newer token makes older ones useless). */
    Optional<String> currentToken(UUID userId, AccountTokens.Purpose purpose) {
        return active(collection.find(byId(userId)).first())
                .map(account -> account.get("tokens", Document.class))
                .map(tokens -> tokens.getString(purpose.id()));
    }

    void setCurrentToken(UUID userId, AccountTokens.Purpose purpose, String tokenHash) {
        collection.updateOne(byId(userId), Updates.set("tokens." + purpose.id(), tokenHash));
    }

    /** Writes the account whole; for the idempotent bootstrap. */
    public void save(Account account) {
        collection.replaceOne(byId(account.userId()), asDocument(account).append(STATE, ACTIVE), new ReplaceOptions().upsert(true));
    }

    /**
     * Lookups go by a unique key alone and check the state here: an index serves a query on exactly its keys
     * (the embedded Mongo-wire server of tests and the local stack scans the collection otherwise).
     */
    private static Optional<Document> active(Document account) {
        return Optional.ofNullable(account).filter(a -> !PENDING.equals(a.getString(STATE)) && !DELETING.equals(a.getString(STATE)));
    }

    private static Bson byId(UUID userId) {
        return Filters.eq("_id", userId.toString());
    }

    private static Document asDocument(Account account) {
        return new Document("_id", account.userId().toString())
                .append("email", EmailAddress.normalize(account.email()))
                .append("passwordHash", account.passwordHash())
                .append("providerRoles", account.providerRoles());
    }

    private static Account toAccount(Document document) {
        return new Account(UUID.fromString(document.getString("_id")), document.getString("email"),
                document.getString("passwordHash"), document.getList("providerRoles", String.class, List.of()));
    }
}

package io.roster.identity.membership;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.roster.events.ProblemCode;
import io.roster.kit.web.RuleViolation;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.UUID;

/**
 * {@code roster.membership.single-organization=true}: a user is a member of at most one organization.
 *
 * <p>Checked before a user joins (added by an admin, created with a membership, creating an organization):
 * first against {@link UserMemberships}, then made race-safe by a claim, a field of the user's lookup
 * document, "this user is joining organization X", written by one conditional update. Of two concurrent
 * joins of different organizations one update wins; the other finds the claim and is refused. A claim holds
 * while its organization has the user as a member, or for {@link #CLAIM_LEASE} while the join is under
 * way; it is given back when the join fails and when the membership ends (MemberRemoved, MemberExpired), and a claim left
 * by a crashed request expires with its lease. Provider admins creating an organization are exempt: they
 * run the platform, and PRODUCT.md §3 makes every creator the new organization's admin.
 */
@Component
public class SingleOrganizationPolicy {

    static final Duration CLAIM_LEASE = Duration.ofSeconds(30);
    private static final Admission NOTHING_TO_RELEASE = () -> { };
    private static final int ATTEMPTS = 3;

    private final UserMemberships memberships;
    private final MembershipProperties properties;
    private final Clock clock;

    SingleOrganizationPolicy(UserMemberships memberships, MembershipProperties properties, Clock clock) {
        this.memberships = memberships;
        this.properties = properties;
        this.clock = clock;
    }

    /** A granted join: {@link #release()} it when the join then fails. */
    @FunctionalInterface
    public interface Admission {
        void release();
    }

    public boolean enabled() {
        return properties.singleOrganization();
    }

    /** Lets the user join the organization, or refuses with {@code user_in_other_organization}. */
    public Admission admit(UUID userId, UUID organizationId) {
        if (!enabled()) {
            return NOTHING_TO_RELEASE;
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Set<UUID> organizations = memberships.organizationsOf(userId);
            organizations.remove(organizationId);
            if (!organizations.isEmpty()) {
                throw refusal(userId);
            }
            Document claim = memberships.find(userId).map(user -> user.get("claim", Document.class)).orElse(null);
            Instant now = clock.instant();
            Bson free;
            if (claim == null) {
                free = Filters.exists("claim", false);
            } else if (organizationId.toString().equals(claim.getString("organizationId"))) {
                return NOTHING_TO_RELEASE; // joining the same organization again: the organization answers already_member
            } else if (claim.getDate("at").toInstant().isAfter(now.minus(CLAIM_LEASE))) {
                throw refusal(userId); // another join is under way
            } else {
                free = Filters.eq("claim.lease", claim.getString("lease")); // its join failed and its process died
            }
            String lease = UUID.randomUUID().toString();
            try {
                var result = memberships.collection().updateOne(Filters.and(UserMemberships.byUser(userId), free),
                        Updates.set("claim", new Document("organizationId", organizationId.toString())
                                .append("at", Date.from(now)).append("lease", lease)),
                        new UpdateOptions().upsert(true));
                if (result.getModifiedCount() > 0 || result.getUpsertedId() != null) {
                    return () -> memberships.collection().updateOne(
                            Filters.and(UserMemberships.byUser(userId), Filters.eq("claim.lease", lease)), Updates.unset("claim"));
                }
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
            // someone else wrote the claim first: look again
        }
        throw refusal(userId);
    }

    private static RuleViolation refusal(UUID userId) {
        return new RuleViolation(ProblemCode.USER_IN_OTHER_ORGANIZATION,
                "User " + userId + " already belongs to another organization, and a user may belong to only one.");
    }
}

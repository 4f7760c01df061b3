package io.roster.invitation.signup;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.events.identity.UserEmailVerified;
import io.roster.events.identity.UserRegistered;
import io.roster.invitation.invitation.SignUpAcceptance;
import io.roster.invitation.link.LinkJoins;
import io.roster.invitation.link.LinkJoins.SignUpJoin;
import io.roster.kit.consumer.AppliedSequences;
import io.roster.kit.consumer.ConsumerDefinition;
import io.roster.kit.consumer.EventHandlers;
import io.roster.kit.consumer.HeldToBatchEnd;
import io.roster.kit.consumer.RecordOrigin;
import io.roster.kit.web.RuleViolation;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * "Signing up with an invitation token accepts it as part of the sign-up" (PRODUCT.md §4): a {@code UserRegistered}
 * carrying an invitation token's hash accepts that personal invitation, or joins that link, for the new user.
 *
 * <p>A link for listed addresses or a domain admits only a verified address, and a sign-up through a link proves
 * none: such a join is refused {@code email_not_verified} (recorded as InvitationAcceptRejected) and remembered in
 * {@code sign-up-link-joins-v1}, and the user's {@code UserEmailVerified} tries it again, so they land as a member
 * once they verify, without coming back to the link.
 *
 * <p>A poll at a time: the handlers only note the sign-ups, and the batch's end makes them, with one command per link
 * for all of its joins ({@link LinkJoins#joinAtSignUp}). A crowd signing up through one public link then costs a
 * load and an append of the link per poll, and the slower this consumer falls behind, the larger its polls get. A
 * user's verification in the same poll as their sign-up is tried after it (in a round of its own).
 *
 * <p>Idempotent: a redelivered event accepts again as the same user, which the aggregates answer without a new event.
 * A refusal by the rules (revoked, expired, quota used up) is final: logged, counted in
 * {@code roster.invitation.sign_up_acceptances.refused}, and the record is done. Anything else throws: the consumer
 * runtime waits out an unreachable MongoDB, and dead-letters a record that fails otherwise on every attempt (it
 * applies a failed batch again a record at a time to find it).
 */
@Component
class SignUpAcceptances extends HeldToBatchEnd<SignUpAcceptances.Attempt> {

    static final String GROUP = "invitation-sign-ups-v1";
    private static final String NOT_VERIFIED = "email_not_verified";
    private static final Logger log = LoggerFactory.getLogger(SignUpAcceptances.class);

    private final SignUpAcceptance invitations;
    private final LinkJoins links;
    private final MongoCollection<Document> waitingForVerification;
    private final MeterRegistry meters;

    SignUpAcceptances(SignUpAcceptance invitations, LinkJoins links, MongoDatabase database, MeterRegistry meters) {
        this.invitations = invitations;
        this.links = links;
        this.waitingForVerification = database.getCollection("sign-up-link-joins-v1");
        this.meters = meters;
    }

    /** Its consumer, run by service-kit's consumer runtime (sequences in {@code sign-up-applied-sequences-v1}). */
    @Bean
    ConsumerDefinition signUpAcceptancesConsumer(MongoDatabase database) {
        return ConsumerDefinition.batches(GROUP, List.of(Topics.IDENTITY), EventHandlers.builder()
                        .on(UserRegistered.class, (event, envelope) -> apply(envelope))
                        .on(UserEmailVerified.class, (event, envelope) -> apply(envelope))
                        .build(),
                new AppliedSequences(database, "sign-up-applied-sequences-v1"), this);
    }

    /** Notes a sign-up with a token, or a verification that may complete one, for the batch's end. */
    void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof UserRegistered registered && registered.invitationTokenHash() != null) {
            hold(new Attempt(registered.userId(), registered.email(), registered.invitationTokenHash(), registered.emailVerified()));
        } else if (envelope.event() instanceof UserEmailVerified verified) {
            hold(new Attempt(verified.userId(), verified.email(), null, true));
        }
    }

    @Override
    protected void actOn(List<Held<Attempt>> attempts) {
        for (List<Held<Attempt>> round : rounds(attempts)) {
            accept(round);
        }
    }

    /** A user's sign-up with a token (tokenHash set), or their verification, which retries a join waiting for it. */
    record Attempt(UUID userId, String email, String tokenHash, boolean verified) {
    }

    /** Each user's attempts in order, one per round, so a verification follows the sign-up it completes. */
    private static List<List<Held<Attempt>>> rounds(List<Held<Attempt>> attempts) {
        List<List<Held<Attempt>>> rounds = new ArrayList<>();
        Map<UUID, Integer> seen = new HashMap<>();
        for (Held<Attempt> attempt : attempts) {
            int round = seen.merge(attempt.item().userId(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(attempt);
        }
        return rounds;
    }

    private void accept(List<Held<Attempt>> round) {
        Map<UUID, String> waiting = waitingTokens(round.stream().map(Held::item).filter(a -> a.tokenHash() == null)
                .map(Attempt::userId).toList());
        Map<SignUpJoin, RecordOrigin> joins = new LinkedHashMap<>();
        for (Held<Attempt> held : round) {
            Attempt attempt = held.item();
            String tokenHash = attempt.tokenHash() != null ? attempt.tokenHash() : waiting.get(attempt.userId());
            if (tokenHash != null) {
                joins.put(new SignUpJoin(tokenHash, attempt.userId(), attempt.email(), attempt.verified(),
                        held.origin().eventMetaData()), held.origin());
            }
        }
        Map<SignUpJoin, Optional<String>> linkOutcomes = links.joinAtSignUp(List.copyOf(joins.keySet()));
        List<String> done = new ArrayList<>();
        List<ReplaceOneModel<Document>> waitNow = new ArrayList<>();
        joins.forEach((join, origin) -> origin.within(() -> {
            // a personal invitation's acceptance is a command of its own, sent as the sign-up's handler would have
            Optional<String> refusal = linkOutcomes.containsKey(join) ? linkOutcomes.get(join) : acceptInvitation(join);
            if (refusal.isEmpty()) {
                done.add(join.userId().toString());
                log.info("User {} accepted the invitation they signed up with", join.userId());
            } else if (NOT_VERIFIED.equals(refusal.get())) {
                waitNow.add(new ReplaceOneModel<>(Filters.eq("_id", join.userId().toString()),
                        new Document("_id", join.userId().toString()).append("tokenHash", join.tokenHash()), new ReplaceOptions().upsert(true)));
                log.info("User {} signed up through a link for verified addresses; joining once they verify", join.userId());
            } else {
                done.add(join.userId().toString());
                log.warn("The invitation user {} signed up with was not accepted: {}", join.userId(), refusal.get());
                Counter.builder("roster.invitation.sign_up_acceptances.refused")
                        .description("Sign-ups with an invitation token whose acceptance the rules refused")
                        .tag("code", refusal.get())
                        .register(meters).increment();
            }
            return null;
        }));
        if (!done.isEmpty()) {
            waitingForVerification.deleteMany(Filters.in("_id", done));
        }
        if (!waitNow.isEmpty()) {
            waitingForVerification.bulkWrite(waitNow, new BulkWriteOptions().ordered(false));
        }
    }

    /** The token hashes of the joins waiting for these users' verification: one query. */
    private Map<UUID, String> waitingTokens(List<UUID> userIds) {
        Map<UUID, String> tokens = new HashMap<>();
        if (!userIds.isEmpty()) {
            waitingForVerification.find(Filters.in("_id", userIds.stream().map(UUID::toString).toList()))
                    .forEach(d -> tokens.put(UUID.fromString(d.getString("_id")), d.getString("tokenHash")));
        }
        return tokens;
    }

    /** A personal invitation's acceptance, or invitation_not_found when the token is no invitation's either. */
    private Optional<String> acceptInvitation(SignUpJoin join) {
        try {
            return invitations.accept(join.tokenHash(), join.userId(), join.email())
                    .orElseGet(() -> Optional.of("invitation_not_found"));
        } catch (RuleViolation refused) {
            return Optional.of(refused.code());
        }
    }
}

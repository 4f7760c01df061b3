package io.roster.invitation.signup;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.EventEnvelope;
import io.roster.events.Topics;
import io.roster.events.identity.UserEmailVerified;
import io.roster.events.identity.UserRegistered;
import io.roster.invitation.invitation.SignUpAcceptance;
import io.roster.invitation.link.LinkJoins;
import io.roster.kit.consumer.AppliedSequences;
import io.roster.kit.consumer.BatchScope;
import io.roster.kit.consumer.ConsumerDefinition;
import io.roster.kit.consumer.EventHandlers;
import io.roster.kit.web.RuleViolation;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

import java.util.List;
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
 * <p>Idempotent: a redelivered event accepts again as the same user, which the aggregates answer without a new event.
 * A refusal by the rules (revoked, expired, quota used up) is final: logged, counted in
 * {@code roster.invitation.sign_up_acceptances.refused}, and the record is done. Anything else throws: the consumer
 * runtime waits out an unreachable MongoDB, and dead-letters a record that fails otherwise on every attempt.
 */
@Component
class SignUpAcceptances {

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
        // a poll at a time: most identity events are only counted past (one read and one write of sequences per poll)
        return ConsumerDefinition.batches(GROUP, List.of(Topics.IDENTITY), EventHandlers.builder()
                        .on(UserRegistered.class, (event, envelope) -> apply(envelope))
                        .on(UserEmailVerified.class, (event, envelope) -> apply(envelope))
                        .build(),
                new AppliedSequences(database, "sign-up-applied-sequences-v1"), BatchScope.NONE);
    }

    void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof UserRegistered registered && registered.invitationTokenHash() != null) {
            accept(registered.invitationTokenHash(), registered.userId(), registered.email(), registered.emailVerified());
        } else if (envelope.event() instanceof UserEmailVerified verified) {
            Document waiting = waitingForVerification.find(Filters.eq("_id", verified.userId().toString())).first();
            if (waiting != null) {
                accept(waiting.getString("tokenHash"), verified.userId(), verified.email(), true);
            }
        }
    }

    private void accept(String tokenHash, UUID userId, String email, boolean verified) {
        Optional<String> refusal;
        try {
            refusal = invitations.accept(tokenHash, userId, email)
                    .or(() -> links.joinAtSignUp(tokenHash, userId, email, verified))
                    .orElseGet(() -> Optional.of("invitation_not_found"));
        } catch (RuleViolation refused) {
            refusal = Optional.of(refused.code());
        }
        if (refusal.isEmpty()) {
            waitingForVerification.deleteOne(Filters.eq("_id", userId.toString()));
            log.info("User {} accepted the invitation they signed up with", userId);
            return;
        }
        if (NOT_VERIFIED.equals(refusal.get())) {
            waitingForVerification.replaceOne(Filters.eq("_id", userId.toString()),
                    new Document("_id", userId.toString()).append("tokenHash", tokenHash), new ReplaceOptions().upsert(true));
            log.info("User {} signed up through a link for verified addresses; joining once they verify", userId);
            return;
        }
        waitingForVerification.deleteOne(Filters.eq("_id", userId.toString()));
        log.warn("The invitation user {} signed up with was not accepted: {}", userId, refusal.get());
        Counter.builder("roster.invitation.sign_up_acceptances.refused")
                .description("Sign-ups with an invitation token whose acceptance the rules refused")
                .tag("code", refusal.get())
                .register(meters).increment();
    }
}

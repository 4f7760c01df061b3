package io.roster.invitation.invitation;

import io.roster.events.ProblemCode;
import io.roster.events.invitation.MembershipTerms;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.invitation.directory.SingleOrganization;
import io.roster.invitation.token.InvitationTokens;
import io.roster.kit.command.Commands;
import io.roster.kit.ratelimit.RateLimiter;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The one way personal invitations are issued, for a single request's addresses or a bulk CSV file's rows:
 * an address that belongs to a member is refused ({@code already_member}); an address that another pending
 * invitation holds is refused ({@code already_invited}), decided by the claim on (organization, address) that
 * makes this race-safe across requests and instances; every other address becomes an
 * {@link IssueInvitationCommand}, so one email is sent per invitation.
 *
 * <p>Work is done for the whole batch at once, not per address: members are looked up and claims taken in a
 * round trip each, and the commands (one new aggregate each) are sent {@linkplain Commands#together together}: every
 * event of the batch is appended at once (one insert for all of them). A claim whose
 * invitation is not stored is given back, so a failure never leaves an address blocked; a claim left by a process that
 * died before the append is taken over once abandoned ({@link AddressClaims}).
 */
@Component
public class InvitationIssuer {

    /** How long an invitation is valid unless its inviter says otherwise (PRODUCT.md §4). */
    public static final Duration DEFAULT_VALIDITY = Duration.ofHours(72);

    private final Commands commands;
    private final IdentityDirectory directory;
    private final AddressClaims claims;
    private final InvitationTokens tokens;
    private final RateLimiter limiter;
    private final SingleOrganization singleOrganization;

    /** Invitations (one token each) an organization may send; a batch that does not fit is refused whole (429). */
    static final String SENDING_LIMIT = "invitation-sending-per-organization";

    InvitationIssuer(Commands commands, IdentityDirectory directory, AddressClaims claims, InvitationTokens tokens,
                     RateLimiter limiter, SingleOrganization singleOrganization) {
        this.limiter = limiter;
        this.singleOrganization = singleOrganization;
        this.commands = commands;
        this.directory = directory;
        this.claims = claims;
        this.tokens = tokens;
    }

    /**
     * One address to invite: normalized and valid ({@link io.roster.events.EmailAddress}), the invitee's own name (each
     * part may be null), with teams of the organization.
     */
    public record Invitee(String email, String firstName, String lastName, List<UUID> teamIds) {
    }

    /**
     * What every invitation of a batch shares.
     *
     * @param bulkJobId  the bulk CSV job, or null for personal invitations
     * @param membership how long the invitees' memberships will last
     */
    public record Terms(UUID organizationId, UUID actorId, List<String> roles, Instant expiresAt, UUID bulkJobId,
                        MembershipTerms membership) {

        /** Memberships without end. */
        public Terms(UUID organizationId, UUID actorId, List<String> roles, Instant expiresAt, UUID bulkJobId) {
            this(organizationId, actorId, roles, expiresAt, bulkJobId, MembershipTerms.NONE);
        }
    }

    /** What became of one address. */
    public sealed interface Outcome permits Issued, Refused {
        String email();
    }

    public record Issued(String email, UUID invitationId, Instant expiresAt) implements Outcome {
    }

    public record Refused(String email, String code, String detail) implements Outcome {
    }

    /**
     * The refusals {@link #issue} would give these (distinct) addresses now, changing nothing (a dry run).
     *
     * @return address → refusal, for the refused addresses only
     */
    public Map<String, Refused> screen(UUID organizationId, Collection<String> emails) {
        Set<String> members = directory.membersByEmail(organizationId, emails);
        Set<String> elsewhere = singleOrganization.keptOutByEmail(organizationId,
                emails.stream().filter(email -> !members.contains(email)).toList());
        Set<String> invited = claims.claimedAmong(organizationId,
                emails.stream().filter(email -> !members.contains(email) && !elsewhere.contains(email)).toList());
        Map<String, Refused> refused = new LinkedHashMap<>();
        for (String email : emails) {
            if (members.contains(email)) {
                refused.put(email, alreadyMember(email));
            } else if (elsewhere.contains(email)) {
                refused.put(email, inOtherOrganization(email));
            } else if (invited.contains(email)) {
                refused.put(email, alreadyInvited(email));
            }
        }
        return refused;
    }

    /**
     * Invites each address, in order. An address listed twice is invited once: the later one is refused as
     * {@code already_invited}.
     *
     * @return one outcome per invitee, in the invitees' order
     * @throws RuntimeException the first failure of a command (a rule), once every address was tried, the others'
     *                          invitations being stored; or a failure to store the batch, which then issued none
     */
    public List<Outcome> issue(Terms terms, List<Invitee> invitees) {
        UUID organizationId = terms.organizationId();
        if (!invitees.isEmpty()) {
            limiter.spend(SENDING_LIMIT, organizationId.toString(), invitees.size());
        }
        Set<String> members = directory.membersByEmail(organizationId, invitees.stream().map(Invitee::email).toList());
        Set<String> elsewhere = singleOrganization.keptOutByEmail(organizationId,
                invitees.stream().map(Invitee::email).filter(email -> !members.contains(email)).toList());
        Map<String, UUID> wanted = new LinkedHashMap<>();
        for (Invitee invitee : invitees) {
            if (!members.contains(invitee.email()) && !elsewhere.contains(invitee.email())) {
                wanted.putIfAbsent(invitee.email(), UUID.randomUUID());
            }
        }
        Set<String> claimed = claims.claimAll(organizationId, wanted);

        Outcome[] outcomes = new Outcome[invitees.size()];
        List<Integer> toIssue = new ArrayList<>();
        Set<String> taken = new HashSet<>();
        for (int i = 0; i < invitees.size(); i++) {
            String email = invitees.get(i).email();
            if (members.contains(email)) {
                outcomes[i] = alreadyMember(email);
            } else if (elsewhere.contains(email)) {
                outcomes[i] = inOtherOrganization(email);
            } else if (!claimed.contains(email) || !taken.add(email)) {
                outcomes[i] = alreadyInvited(email);
            } else {
                toIssue.add(i);
            }
        }

        List<Attempt> attempts;
        try {
            attempts = commands.together(() -> toIssue.stream()
                    .map(i -> attempt(terms, i, invitees.get(i), wanted.get(invitees.get(i).email())))
                    .toList());
        } catch (RuntimeException e) {
            // no invitation of the batch was stored (or, had the append broken off, not all): give every address back
            toIssue.forEach(i -> claims.release(organizationId, invitees.get(i).email(), wanted.get(invitees.get(i).email())));
            throw e;
        }
        RuntimeException failure = null;
        for (Attempt attempt : attempts) {
            if (attempt.failure() != null) {
                failure = failure == null ? attempt.failure() : failure;
            } else {
                outcomes[attempt.index()] = attempt.issued();
            }
        }
        if (failure != null) {
            throw failure;
        }
        return List.of(outcomes);
    }

    /**
     * One invitation's command, inside the batch's unit of work. Never throws, so that every claimed address is
     * tried, or given back when its command fails.
     */
    private Attempt attempt(Terms terms, int index, Invitee invitee, UUID invitationId) {
        try {
            InvitationTokens.NewToken token = tokens.next();
            IssueInvitationCommand command = new IssueInvitationCommand(invitationId, terms.organizationId(), terms.actorId(),
                    invitee.email(), invitee.firstName(), invitee.lastName(), terms.roles(), invitee.teamIds(), terms.expiresAt(),
                    token.hash(), token.sealed(), terms.bulkJobId(), terms.membership());
            commands.sendAndWait(command);
            return new Attempt(index, new Issued(invitee.email(), invitationId, terms.expiresAt()), null);
        } catch (RuntimeException e) {
            claims.release(terms.organizationId(), invitee.email(), invitationId);
            return new Attempt(index, null, e);
        }
    }

    private record Attempt(int index, Issued issued, RuntimeException failure) {
    }

    private static Refused alreadyMember(String email) {
        return new Refused(email, ProblemCode.ALREADY_MEMBER.code(), email + " is already a member of the organization.");
    }

    private static Refused inOtherOrganization(String email) {
        return new Refused(email, ProblemCode.USER_IN_OTHER_ORGANIZATION.code(),
                email + " is a member of another organization, and a user may belong to only one.");
    }

    private static Refused alreadyInvited(String email) {
        return new Refused(email, ProblemCode.ALREADY_INVITED.code(), email + " already has a pending invitation to the organization.");
    }
}

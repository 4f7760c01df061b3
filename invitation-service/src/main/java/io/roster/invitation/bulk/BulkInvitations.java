package io.roster.invitation.bulk;

import io.roster.events.EmailAddress;
import io.roster.events.invitation.FailedRow;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.invitation.invitation.InvitationIssuer;
import io.roster.kit.command.Commands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A bulk CSV upload, from the file's bytes to its outcome. Each row is checked in this order, and the first
 * failing check is the row's code: {@code invalid_email}, {@code duplicate_row} (the address was on an earlier
 * line, which wins whatever became of it), {@code unknown_team} (a name that is no team of the organization,
 * compared case-insensitively), then {@code already_member} and {@code already_invited} from
 * {@link InvitationIssuer}, which issues every remaining row as an ordinary personal invitation. A dry run makes
 * the same checks and changes nothing.
 *
 * <p>Batch work, not per row: the team names of the whole file are resolved in one query, members and
 * pending invitations are looked up and claimed for all rows at once, and the invitations (one aggregate and
 * one email each) are stored together (see {@link InvitationIssuer}).
 */
@Component
class BulkInvitations {

    private static final Logger log = LoggerFactory.getLogger(BulkInvitations.class);
    static final String INVALID_EMAIL = "invalid_email";
    static final String DUPLICATE_ROW = "duplicate_row";
    static final String UNKNOWN_TEAM = "unknown_team";
    private static final int MAX_ECHOED = 254;

    private final IdentityDirectory directory;
    private final InvitationIssuer issuer;
    private final BulkJobs jobs;
    private final Commands commands;
    private final Clock clock;

    BulkInvitations(IdentityDirectory directory, InvitationIssuer issuer, BulkJobs jobs, Commands commands, Clock clock) {
        this.directory = directory;
        this.issuer = issuer;
        this.jobs = jobs;
        this.commands = commands;
        this.clock = clock;
    }

    /** What an upload asks for. */
    record Upload(UUID organizationId, UUID actorId, byte[] body, Charset charset, List<String> roles, boolean dryRun) {
    }

    /** The answer: {@code invited} counts the rows invited (in a dry run: the rows that would be). */
    record Outcome(UUID jobId, boolean dryRun, int total, int invited, List<FailedRow> failed) {
    }

    Outcome run(Upload upload) {
        long started = System.nanoTime();
        List<BulkCsv.Row> rows = BulkCsv.parse(upload.body(), upload.charset());
        FailedRow[] failures = new FailedRow[rows.size()];
        List<Candidate> candidates = check(upload.organizationId(), rows, failures);
        if (upload.dryRun()) {
            Map<String, InvitationIssuer.Refused> refused = issuer.screen(upload.organizationId(),
                    candidates.stream().map(Candidate::email).toList());
            candidates.forEach(candidate -> {
                InvitationIssuer.Refused refusal = refused.get(candidate.email());
                if (refusal != null) {
                    failures[candidate.index()] = failedRow(rows.get(candidate.index()), refusal);
                }
            });
            return outcome(null, true, rows, failures);
        }

        UUID jobId = UUID.randomUUID();
        jobs.started(jobId, upload.organizationId(), upload.actorId(), rows.size(), clock.instant());
        try {
            InvitationIssuer.Terms terms = new InvitationIssuer.Terms(upload.organizationId(), upload.actorId(),
                    upload.roles(), clock.instant().plus(InvitationIssuer.DEFAULT_VALIDITY), jobId);
            List<InvitationIssuer.Invitee> invitees = candidates.stream()
                    .map(candidate -> new InvitationIssuer.Invitee(candidate.email(), null, null, candidate.teamIds())).toList();
            Iterator<InvitationIssuer.Outcome> issued = issuer.issue(terms, invitees).iterator();
            for (Candidate candidate : candidates) {
                if (issued.next() instanceof InvitationIssuer.Refused refusal) {
                    failures[candidate.index()] = failedRow(rows.get(candidate.index()), refusal);
                }
            }
            Outcome outcome = outcome(jobId, false, rows, failures);
            commands.sendAndWait(new CompleteBulkInvitationCommand(jobId, upload.organizationId(), upload.actorId(),
                    outcome.total(), outcome.invited(), outcome.failed()));
            log.info("Bulk job {} of organization {}: {} rows, {} invited, {} skipped, in {} ms", jobId, upload.organizationId(),
                    outcome.total(), outcome.invited(), outcome.failed().size(), (System.nanoTime() - started) / 1_000_000);
            return outcome;
        } catch (RuntimeException e) {
            jobs.failed(jobId);
            throw e;
        } finally {
            jobs.finishedHere(jobId);
        }
    }

    /** The checks that need no pending-invitation state; fills {@code failures} and answers the rows that pass. */
    private List<Candidate> check(UUID organizationId, List<BulkCsv.Row> rows, FailedRow[] failures) {
        Map<String, UUID> teams = directory.teamsByName(organizationId,
                rows.stream().flatMap(row -> row.teamNames().stream()).toList());
        Map<String, Integer> firstLine = new HashMap<>();
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            BulkCsv.Row row = rows.get(i);
            String email = EmailAddress.normalize(row.email());
            if (!EmailAddress.isValid(email)) {
                failures[i] = new FailedRow(row.line(), echo(row.email()), INVALID_EMAIL,
                        row.email().isEmpty() ? "The email cell is empty." : "Not a valid email address.");
                continue;
            }
            Integer earlier = firstLine.putIfAbsent(email, row.line());
            if (earlier != null) {
                failures[i] = new FailedRow(row.line(), email, DUPLICATE_ROW, "The same address is on line " + earlier + ".");
                continue;
            }
            List<String> unknown = row.teamNames().stream()
                    .filter(name -> !teams.containsKey(IdentityDirectory.teamNameKey(name))).toList();
            if (!unknown.isEmpty()) {
                failures[i] = new FailedRow(row.line(), email, UNKNOWN_TEAM, echo("No team of the organization is named "
                        + String.join(", ", unknown.stream().map(name -> "'" + name + "'").toList()) + "."));
                continue;
            }
            List<UUID> teamIds = row.teamNames().stream()
                    .map(name -> teams.get(IdentityDirectory.teamNameKey(name))).distinct().toList();
            candidates.add(new Candidate(i, email, teamIds));
        }
        return candidates;
    }

    private static Outcome outcome(UUID jobId, boolean dryRun, List<BulkCsv.Row> rows, FailedRow[] failures) {
        List<FailedRow> failed = new ArrayList<>();
        for (FailedRow failure : failures) {
            if (failure != null) {
                failed.add(failure);
            }
        }
        return new Outcome(jobId, dryRun, rows.size(), rows.size() - failed.size(), List.copyOf(failed));
    }

    private static FailedRow failedRow(BulkCsv.Row row, InvitationIssuer.Refused refusal) {
        return new FailedRow(row.line(), refusal.email(), refusal.code(), refusal.detail());
    }

    /** Cells are echoed in the answer and the event; a runaway cell is cut so that neither grows without bound. */
    private static String echo(String text) {
        return text.length() <= MAX_ECHOED ? text : text.substring(0, MAX_ECHOED) + "…";
    }

    /** A row that passed the file's own checks: its index among the rows, its address and its teams. */
    private record Candidate(int index, String email, List<UUID> teamIds) {
    }
}

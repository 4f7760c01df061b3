package io.roster.invitation.bulk;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.events.ProblemCode;
import io.roster.events.identity.OrganizationRole;
import io.roster.events.invitation.FailedRow;
import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.command.Commands;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.DataBuffers;
import io.roster.kit.web.WebLimits;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Bulk CSV invitations (PRODUCT.md §4): {@code POST …/invitations/bulk} with a {@code text/csv} body, and the
 * job's status at {@code GET …/invitations/bulk/{jobId}}. Only an admin of the organization or a provider admin
 * may call either.
 *
 * <p>The upload answers when the job is done (201 with every row's outcome), not 202 with a job to poll: a
 * file is at most 1000 rows, which take seconds, and the caller gets each skipped line's reason in the same
 * answer. That answer is also what the {@code Idempotency-Key} filter stores and replays, so a retried upload
 * invites nobody twice and sees the same outcome. A 202 would need a job runner that survives a restart of the
 * service for no gain at this size. The status endpoint still shows a job while it runs (another admin, another
 * tab) and afterwards.
 *
 * <p>The answer's {@code Consistency-Token} covers the job's BulkInvitationCompleted. It cannot cover its up to
 * 1000 invitations (a token names at most 200 aggregates), and the query service applies them on other
 * partitions, so a reader that needs every pending row polls the members list for them.
 */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/invitations/bulk")
class BulkInvitationController {

    static final String TEXT_CSV = "text/csv";
    private static final List<String> DEFAULT_ROLES = List.of(OrganizationRole.MEMBER.wireName());

    private final BulkInvitations bulk;
    private final BulkJobs jobs;
    private final OrganizationAccess access;
    private final Commands commands;
    private final long maxBodyBytes;

    BulkInvitationController(BulkInvitations bulk, BulkJobs jobs, OrganizationAccess access, Commands commands, WebLimits limits) {
        this.commands = commands;
        this.bulk = bulk;
        this.jobs = jobs;
        this.access = access;
        this.maxBodyBytes = limits.maxBodyBytes();
    }

    /**
     * @param roles the organization roles every invitation of the file grants, {@code member} when absent
     */
    @ProblemCodes({ProblemCode.MALFORMED_CSV, ProblemCode.INVALID_CSV_HEADER, ProblemCode.EMPTY_CSV, ProblemCode.RATE_LIMITED})
    @SuccessStatus(201)
    @PostMapping(consumes = TEXT_CSV)
    Mono<ResponseEntity<BulkInvitations.Outcome>> upload(@PathVariable UUID organizationId,
                                                         @RequestParam(defaultValue = "false") boolean dryRun,
                                                         @RequestParam(required = false) List<String> roles,
                                                         ServerWebExchange exchange) {
        return CurrentCaller.get().flatMap(caller -> body(exchange).flatMap(body -> commands.run(exchange, () -> {
            access.requireAdmin(caller, organizationId);
            return bulk.run(new BulkInvitations.Upload(organizationId, caller.userId(), body, charset(exchange), roles(roles), dryRun));
        }))).map(sent -> {
            BulkInvitations.Outcome outcome = sent.result();
            if (outcome.dryRun()) {
                return ResponseEntity.ok(outcome);
            }
            // the job's token, not the request's (which names every invitation of a file of thousands of rows): the job's
            // stream is new and its one event, BulkInvitationCompleted, is sequence 0
            return ResponseEntity.created(UriComponentsBuilder.fromPath("/api/v1/organizations/{organizationId}/invitations/bulk/{jobId}")
                            .build(organizationId, outcome.jobId()))
                    .header(ConsistencyToken.HEADER, ConsistencyToken.of(outcome.jobId().toString(), 0).encode())
                    .body(outcome);
        });
    }

    @GetMapping("/{jobId}")
    Mono<JobStatus> status(@PathVariable UUID organizationId, @PathVariable UUID jobId) {
        return CurrentCaller.get().flatMap(caller -> Mono.fromCallable(() -> {
            access.requireAdmin(caller, organizationId);
            return jobs.find(jobId)
                    .filter(job -> job.organizationId().equals(organizationId))
                    .map(JobStatus::of)
                    .orElseThrow(() -> ApiProblem.notFound("No bulk invitation job " + jobId + " in this organization."));
        }).subscribeOn(Schedulers.boundedElastic()));
    }

    /** The whole body, at most the service's body limit (a chunked body has no length to refuse it by up front). */
    private Mono<byte[]> body(ServerWebExchange exchange) {
        return DataBufferUtils.join(exchange.getRequest().getBody(), (int) Math.min(Integer.MAX_VALUE, maxBodyBytes))
                .map(DataBuffers::drain)
                .defaultIfEmpty(new byte[0]);
    }

    /** The charset the Content-Type declares; UTF-8, the CSV default of spreadsheets' "CSV UTF-8", when none. */
    private static Charset charset(ServerWebExchange exchange) {
        MediaType type = exchange.getRequest().getHeaders().getContentType();
        try {
            return type == null || type.getCharset() == null ? StandardCharsets.UTF_8 : type.getCharset();
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(ProblemCode.UNSUPPORTED_MEDIA_TYPE,
                    "The charset of " + type + " is not supported; send the file as UTF-8.");
        }
    }

    private static List<String> roles(List<String> requested) {
        List<String> roles = requested == null ? List.of()
                : requested.stream().map(String::strip).filter(role -> !role.isEmpty()).distinct().toList();
        if (roles.isEmpty()) {
            return DEFAULT_ROLES;
        }
        if (!OrganizationRole.unknown(roles).isEmpty()) {
            throw ApiProblem.invalidField("roles", "must be " + OrganizationRole.ROLE_LIST);
        }
        return roles;
    }

    /** A job as its admins see it: {@code invited} and {@code failed} are null while it runs. */
    record JobStatus(UUID jobId, String status, int total, Integer invited, List<FailedRow> failed, UUID startedBy,
                     Instant startedAt, Instant completedAt) {

        static JobStatus of(BulkJobs.Status job) {
            boolean completed = BulkJobs.COMPLETED.equals(job.status());
            return new JobStatus(job.jobId(), job.status(), job.total(), job.invited(), completed ? job.failed() : null,
                    job.startedBy(), job.startedAt(), job.completedAt());
        }
    }
}

package io.roster.query.rebuild;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.events.ProblemCode;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.URI;
import java.util.UUID;

/**
 * Provider admins rebuild the projections from the event topics and follow the rebuild. Reads go on
 * answering from the current projections during the whole rebuild.
 */
@RestController
// a literal, not PATH: deployment-tests read the mappings from the source to check the gateway routes
@RequestMapping("/api/v1/admin/projections/rebuild")
class RebuildController {

    static final String PATH = "/api/v1/admin/projections/rebuild";

    private final ProjectionRebuild rebuild;

    RebuildController(ProjectionRebuild rebuild) {
        this.rebuild = rebuild;
    }

    /** 202 with the job; 409 {@code rebuild_in_progress} while another rebuild runs. */
    @ProblemCodes({ProblemCode.REBUILD_IN_PROGRESS})
    @SuccessStatus(202)
    @PostMapping
    Mono<ResponseEntity<RebuildJob>> start() {
        return CurrentCaller.get()
                .publishOn(Schedulers.boundedElastic())
                .map(caller -> {
                    requireProviderAdmin(caller);
                    try {
                        RebuildJob job = rebuild.start();
                        return ResponseEntity.accepted().location(URI.create(PATH + "/" + job.jobId())).body(job);
                    } catch (RebuildJobs.RebuildInProgress e) {
                        throw new ApiProblem(ProblemCode.REBUILD_IN_PROGRESS, "A projection rebuild is running"
                                + (e.runningJobId() == null ? "" : " (" + e.runningJobId() + ")") + "; start another once it finished.");
                    }
                });
    }

    @GetMapping("/{jobId}")
    Mono<RebuildJob> status(@PathVariable UUID jobId) {
        return CurrentCaller.get()
                .publishOn(Schedulers.boundedElastic())
                .map(caller -> {
                    requireProviderAdmin(caller);
                    return rebuild.find(jobId).orElseThrow(() -> ApiProblem.notFound("No projection rebuild " + jobId + "."));
                });
    }

    private static void requireProviderAdmin(RosterPrincipal caller) {
        if (!caller.isProviderAdmin()) {
            throw ApiProblem.forbidden("Only provider admins rebuild projections.");
        }
    }
}

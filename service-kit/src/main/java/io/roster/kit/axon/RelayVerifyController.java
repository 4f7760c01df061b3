package io.roster.kit.axon;

import io.roster.events.ProblemCode;
import io.roster.kit.failure.InfrastructureFailures;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Provider admins check a command service's relay: {@code GET} compares, per aggregate, the event store with the
 * records on its topic and reports what is missing ({@link RelayVerification.Report}); {@code POST} does the same and
 * publishes every missing event again. {@code ?limit=} (1–100, default 20) bounds the aggregates listed and the missing
 * events listed for each; the counts are always complete.
 */
@RestController
@RequestMapping("/api/v1/admin/relay/verify")
class RelayVerifyController {

    static final int DEFAULT_LIMIT = 20;
    static final int MAX_LIMIT = 100;

    private final RelayVerification verification;

    RelayVerifyController(RelayVerification verification) {
        this.verification = verification;
    }

    @GetMapping
    Mono<RelayVerification.Report> check(@RequestParam(name = "limit", required = false) String limit) {
        return admin().map(caller -> unavailableIfInfrastructure(() -> verification.check(limit(limit))));
    }

    @PostMapping
    Mono<RelayVerification.Report> republish(@RequestParam(name = "limit", required = false) String limit) {
        return admin().map(caller -> unavailableIfInfrastructure(() -> verification.republishMissing(limit(limit))));
    }

    private static int limit(String limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int value = Integer.parseInt(limit.strip());
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below like a number out of range
        }
        throw ApiProblem.invalidField("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }

    private Mono<RosterPrincipal> admin() {
        return CurrentCaller.get().publishOn(Schedulers.boundedElastic()).map(caller -> {
            if (!caller.isProviderAdmin()) {
                throw ApiProblem.forbidden("Only provider admins check the relay.");
            }
            return caller;
        });
    }

    private interface Check {
        RelayVerification.Report run() throws Exception;
    }

    private static RelayVerification.Report unavailableIfInfrastructure(Check check) {
        try {
            return check.run();
        } catch (ApiProblem e) {
            throw e;
        } catch (RelayVerification.CheckTimedOut e) {
            throw new ApiProblem(ProblemCode.SERVICE_UNAVAILABLE, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiProblem(ProblemCode.SERVICE_UNAVAILABLE, "The relay check was interrupted; try again.");
        } catch (Exception e) {
            if (InfrastructureFailures.isInfrastructure(e) || e instanceof java.util.concurrent.TimeoutException) {
                throw new ApiProblem(ProblemCode.SERVICE_UNAVAILABLE,
                        "The event store or Kafka is unreachable; try again when the service is ready.");
            }
            throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
        }
    }
}

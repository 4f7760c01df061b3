package io.roster.kit.consumer;

import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.failure.InfrastructureFailures;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import io.roster.events.ProblemCode;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.List;

/**
 * Provider admins look at the service's dead letters and decide: re-drive one after a fix (it is applied through the
 * consumer's handler table, then the events of its aggregate that waited behind it, in order) or discard it with a
 * reason (recorded with who and when, and logged; then the waiting events follow).
 */
@RestController
@RequestMapping("/api/v1/admin/dead-letters")
class DeadLetterController {


    private final ConsumerRuntimes runtimes;

    DeadLetterController(ConsumerRuntimes runtimes) {
        this.runtimes = runtimes;
    }

    record Item(String id, String group, String topic, int partition, long offset, String aggregateId, Long sequence,
                String type, String reason, String error, String status, String createdAt, String resolvedBy,
                String resolvedAt, String discardReason, long waiting) {
    }

    record Items(List<Item> items) {
    }

    record Applied(int applied) {
    }

    record Discard(String reason) {
    }

    @GetMapping
    Mono<Items> list() {
        return admin().map(caller -> new Items(runtimes.deadLetters(500).stream().map(DeadLetterController::item).toList()));
    }

    @ProblemCodes({ProblemCode.DEAD_LETTER_RESOLVED, ProblemCode.DEAD_LETTER_STILL_FAILING})
    @PostMapping("/{id}/redrive")
    Mono<Applied> redrive(@PathVariable String id) {
        return admin().map(caller -> {
            DeadLetters.DeadLetter deadLetter = dead(id);
            try {
                return new Applied(runtimes.redrive(deadLetter, caller.userId().toString()));
            } catch (ConsumerRuntime.StillFailing e) {
                throw new ApiProblem(ProblemCode.DEAD_LETTER_STILL_FAILING, "Dead letter " + id + " cannot be applied yet: "
                        + e.getMessage() + ". Fix the cause and re-drive it again, or discard it.");
            } catch (RuntimeException e) {
                throw unavailableOr(e);
            }
        });
    }

    @ProblemCodes({ProblemCode.DEAD_LETTER_RESOLVED})
    @PostMapping("/{id}/discard")
    Mono<Applied> discard(@PathVariable String id, @RequestBody(required = false) Discard body) {
        return admin().map(caller -> {
            String reason = body == null || body.reason() == null ? "" : body.reason().strip();
            if (reason.isEmpty() || reason.length() > 1000) {
                throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("reason",
                        "say why the dead letter is given up (1 to 1000 characters)")));
            }
            DeadLetters.DeadLetter deadLetter = dead(id);
            try {
                return new Applied(runtimes.discard(deadLetter, caller.userId().toString(), reason));
            } catch (RuntimeException e) {
                throw unavailableOr(e);
            }
        });
    }

    private Mono<RosterPrincipal> admin() {
        return CurrentCaller.get().publishOn(Schedulers.boundedElastic()).map(caller -> {
            if (!caller.isProviderAdmin()) {
                throw ApiProblem.forbidden("Only provider admins handle dead letters.");
            }
            return caller;
        });
    }

    private DeadLetters.DeadLetter dead(String id) {
        DeadLetters.DeadLetter deadLetter = runtimes.deadLetter(id)
                .orElseThrow(() -> ApiProblem.notFound("No dead letter " + id + "."));
        if (!deadLetter.dead()) {
            throw new ApiProblem(ProblemCode.DEAD_LETTER_RESOLVED, "Dead letter " + id + " was " + deadLetter.status()
                    + " already (" + deadLetter.resolvedBy() + ", " + deadLetter.resolvedAt() + ").");
        }
        return deadLetter;
    }

    private static RuntimeException unavailableOr(RuntimeException e) {
        if (InfrastructureFailures.isInfrastructure(e)) {
            return new ApiProblem(ProblemCode.SERVICE_UNAVAILABLE,
                    "The database or Kafka is unreachable; try again when the service is ready.");
        }
        return e;
    }

    private static Item item(ConsumerRuntimes.Listed listed) {
        DeadLetters.DeadLetter d = listed.deadLetter();
        return new Item(d.id(), d.group(), d.topic(), d.partition(), d.offset(), d.aggregateId(), d.sequence(), d.type(),
                d.reason(), d.error(), d.status(), d.createdAt().toString(), d.resolvedBy(),
                d.resolvedAt() == null ? null : d.resolvedAt().toString(), d.discardReason(), listed.waiting());
    }
}

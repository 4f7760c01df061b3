package io.roster.identity.admin;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.events.ProblemCode;
import io.roster.kit.axon.RelayRepublisher;
import io.roster.kit.axon.RelayRepublisher.RelayStatus;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Provider admins have the identity event store published to {@code roster.identity.v1} again, every event
 * with its event id and aggregate sequence, for a consumer that lost its data or a new one. Every consumer
 * absorbs the copies: the query and invitation services skip sequences they applied, the notification service
 * finds the delivery of each event id and sends nothing again.
 */
@RestController
// a literal, not PATH: deployment-tests read the mappings from the source to check the gateway routes
@RequestMapping("/api/v1/admin/republish")
class RepublishController {

    static final String PATH = "/api/v1/admin/republish";

    private final RelayRepublisher republisher;

    RepublishController(RelayRepublisher republisher) {
        this.republisher = republisher;
    }

    /** 202 with the relay's status; 409 while a republish still replays. */
    @ProblemCodes({ProblemCode.REPUBLISH_IN_PROGRESS, ProblemCode.RELAY_CLAIMED_ELSEWHERE})
    @SuccessStatus(202)
    @PostMapping
    Mono<ResponseEntity<RelayStatus>> republish() {
        return CurrentCaller.get()
                .publishOn(Schedulers.boundedElastic())
                .map(caller -> {
                    requireProviderAdmin(caller);
                    if (republisher.status().republishing()) {
                        throw new ApiProblem(ProblemCode.REPUBLISH_IN_PROGRESS,
                                "The events are being republished; follow GET " + PATH + " until it has caught up.");
                    }
                    try {
                        return ResponseEntity.accepted().body(republisher.republishAll());
                    } catch (RelayRepublisher.RelayClaimedElsewhere e) {
                        throw new ApiProblem(ProblemCode.RELAY_CLAIMED_ELSEWHERE,
                                "Another instance of the service publishes the events; retry, the request may reach it.");
                    }
                });
    }

    /** The relay's state: {@code republishing} until every stored event is published again, then {@code caught-up}. */
    @GetMapping
    Mono<RelayStatus> status() {
        return CurrentCaller.get()
                .publishOn(Schedulers.boundedElastic())
                .map(caller -> {
                    requireProviderAdmin(caller);
                    return republisher.status();
                });
    }

    private static void requireProviderAdmin(RosterPrincipal caller) {
        if (!caller.isProviderAdmin()) {
            throw ApiProblem.forbidden("Only provider admins republish the event store.");
        }
    }
}

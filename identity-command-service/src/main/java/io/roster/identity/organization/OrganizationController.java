package io.roster.identity.organization;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.events.ProblemCode;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.identity.access.Actor;
import io.roster.identity.membership.SingleOrganizationPolicy;
import io.roster.kit.command.Commands;
import io.roster.kit.security.CurrentCaller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.UUID;

/** Organizations: any authenticated user may create one and becomes its admin; admins rename; members leave. */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
@RequestMapping("/api/v1/organizations")
class OrganizationController {

    private final Commands commands;
    private final SingleOrganizationPolicy singleOrganization;

    OrganizationController(Commands commands, SingleOrganizationPolicy singleOrganization) {
        this.commands = commands;
        this.singleOrganization = singleOrganization;
    }

    @SuccessStatus(201)
    @PostMapping
    Mono<ResponseEntity<Created>> create(@Valid @RequestBody OrganizationRequest request, ServerWebExchange exchange) {
        UUID organizationId = UUID.randomUUID();
        return CurrentCaller.get()
                .flatMap(caller -> commands.run(exchange, () -> {
                    SingleOrganizationPolicy.Admission admission = caller.isProviderAdmin()
                            ? () -> { } : singleOrganization.admit(caller.userId(), organizationId);
                    try {
                        return commands.sendAndWait(new CreateOrganizationCommand(organizationId, request.name(), caller.userId()));
                    } catch (RuntimeException e) {
                        admission.release();
                        throw e;
                    }
                }))
                .map(sent -> sent.respond(ResponseEntity.created(URI.create("/api/v1/organizations/" + organizationId)),
                        new Created(organizationId)));
    }

    @PatchMapping("/{organizationId}")
    Mono<ResponseEntity<Renamed>> rename(@PathVariable UUID organizationId, @Valid @RequestBody OrganizationRequest request,
                                         ServerWebExchange exchange) {
        return CurrentCaller.get()
                .flatMap(caller -> commands.send(exchange,
                        new RenameOrganizationCommand(organizationId, request.name(), Actor.of(caller))))
                .map(sent -> sent.respond(ResponseEntity.ok(), new Renamed(organizationId, request.name().strip())));
    }

    /** The caller ends their own membership (never the last admin's). */
    @ProblemCodes({ProblemCode.LAST_ADMIN})
    @PostMapping("/{organizationId}/leave")
    Mono<ResponseEntity<Left>> leave(@PathVariable UUID organizationId, ServerWebExchange exchange) {
        return CurrentCaller.get()
                .flatMap(caller -> commands.run(exchange, () -> {
                    commands.sendAndWait(new LeaveOrganizationCommand(organizationId, caller.userId()));
                    return caller.userId();
                }))
                .map(sent -> sent.respond(ResponseEntity.ok(), new Left(organizationId, sent.result())));
    }

    record OrganizationRequest(@NotBlank @Size(max = 200) String name) {
    }

    @io.swagger.v3.oas.annotations.media.Schema(name = "OrganizationCreated") // one name per shape in docs/openapi/roster.yaml
    record Created(UUID organizationId) {
    }

    record Renamed(UUID organizationId, String name) {
    }

    record Left(UUID organizationId, UUID userId) {
    }
}

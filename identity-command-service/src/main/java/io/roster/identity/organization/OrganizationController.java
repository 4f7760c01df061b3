package io.roster.identity.organization;

import io.roster.kit.axon.CommandSender;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.security.CurrentCaller;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.UUID;

/** Organizations: any authenticated user may create one and becomes its admin. */
@RestController
@RequestMapping("/api/v1/organizations")
class OrganizationController {

    private final CommandSender commands;

    OrganizationController(CommandSender commands) {
        this.commands = commands;
    }

    @PostMapping
    Mono<ResponseEntity<Created>> create(@Valid @RequestBody CreateOrganizationRequest request, ServerWebExchange exchange) {
        UUID organizationId = UUID.randomUUID();
        return CurrentCaller.get()
                .flatMap(caller -> commands.send(new CreateOrganizationCommand(organizationId, request.name(), caller.userId()),
                        organizationId, exchange))
                .map(sent -> ResponseEntity.created(URI.create("/api/v1/organizations/" + organizationId))
                        .header(ConsistencyToken.HEADER, sent.consistencyToken())
                        .body(new Created(organizationId)));
    }

    record CreateOrganizationRequest(@NotBlank @Size(max = 200) String name) {
    }

    record Created(UUID organizationId) {
    }
}

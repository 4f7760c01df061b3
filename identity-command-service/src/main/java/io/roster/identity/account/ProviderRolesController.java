package io.roster.identity.account;

import io.roster.events.ProblemCode;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.identity.access.Actor;
import io.roster.kit.command.Commands;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.UUID;

/** PRODUCT.md §4 {@code PUT /api/v1/users/{userId}/provider-roles} ({@link ProviderRoleChanges}). */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
class ProviderRolesController {

    private final Commands commands;
    private final ProviderRoleChanges changes;

    ProviderRolesController(Commands commands, ProviderRoleChanges changes) {
        this.commands = commands;
        this.changes = changes;
    }

    @ProblemCodes({ProblemCode.LAST_PROVIDER_ADMIN})
    @PutMapping("/api/v1/users/{userId}/provider-roles")
    Mono<ResponseEntity<ProviderRoles>> change(@PathVariable UUID userId, @Valid @RequestBody ProviderRolesRequest request,
                                               ServerWebExchange exchange) {
        if (request.providerRoles().stream().anyMatch(role -> !RosterPrincipal.PROVIDER_ADMIN.equals(role))) {
            throw ApiProblem.invalidField("providerRoles", "the only provider role is " + RosterPrincipal.PROVIDER_ADMIN);
        }
        return CurrentCaller.get()
                .flatMap(caller -> commands.run(exchange, () -> changes.change(userId, request.providerRoles(), Actor.of(caller))))
                .map(sent -> sent.respond(ResponseEntity.ok(), new ProviderRoles(userId, sent.result())));
    }

    record ProviderRolesRequest(@NotNull @Size(max = 5) List<@NotNull String> providerRoles) {
    }

    record ProviderRoles(UUID userId, List<String> providerRoles) {
    }
}

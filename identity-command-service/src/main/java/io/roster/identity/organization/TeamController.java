package io.roster.identity.organization;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.events.ProblemCode;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.identity.access.Actor;
import io.roster.kit.command.Commands;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.web.ApiProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/** An organization's teams; names are unique in the organization, compared without case. */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/teams")
class TeamController {

    private final Commands commands;

    TeamController(Commands commands) {
        this.commands = commands;
    }

    @ProblemCodes({ProblemCode.TEAM_NAME_TAKEN})
    @SuccessStatus(201)
    @PostMapping
    Mono<ResponseEntity<TeamCreatedResponse>> create(@PathVariable UUID organizationId, @Valid @RequestBody CreateTeamRequest request,
                                                     ServerWebExchange exchange) {
        UUID teamId = UUID.randomUUID();
        return CurrentCaller.get()
                .flatMap(caller -> commands.send(exchange,
                        new CreateTeamCommand(organizationId, teamId, request.name(), request.description(), Actor.of(caller))))
                .map(sent -> sent.respond(
                        ResponseEntity.created(URI.create("/api/v1/organizations/" + organizationId + "/teams/" + teamId)),
                        new TeamCreatedResponse(teamId)));
    }

    /** Renames and/or describes a team; an empty description clears it. */
    @ProblemCodes({ProblemCode.TEAM_NAME_TAKEN})
    @PatchMapping("/{teamId}")
    Mono<ResponseEntity<TeamUpdated>> update(@PathVariable UUID organizationId, @PathVariable UUID teamId,
                                             @Valid @RequestBody UpdateTeamRequest request, ServerWebExchange exchange) {
        if (request.name() == null && request.description() == null) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("name", "give name, description or both")));
        }
        if (request.name() != null && request.name().isBlank()) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("name", "must not be blank")));
        }
        return CurrentCaller.get()
                .flatMap(caller -> commands.send(exchange,
                        new UpdateTeamCommand(organizationId, teamId, request.name(), request.description(), Actor.of(caller))))
                .map(sent -> sent.respond(ResponseEntity.ok(), new TeamUpdated(teamId)));
    }

    /** Deletes a team; every member in it loses it first (a MemberTeamsChanged each). */
    @SuccessStatus(204)
    @DeleteMapping("/{teamId}")
    Mono<ResponseEntity<Void>> delete(@PathVariable UUID organizationId, @PathVariable UUID teamId, ServerWebExchange exchange) {
        return CurrentCaller.get()
                .flatMap(caller -> commands.send(exchange,
                        new DeleteTeamCommand(organizationId, teamId, Actor.of(caller))))
                .map(sent -> sent.<Void>respond(ResponseEntity.status(HttpStatus.NO_CONTENT), null));
    }

    record CreateTeamRequest(@NotBlank @Size(max = 100) String name, @Size(max = 1000) String description) {
    }

    record UpdateTeamRequest(@Size(max = 100) String name, @Size(max = 1000) String description) {
    }

    record TeamCreatedResponse(UUID teamId) {
    }

    record TeamUpdated(UUID teamId) {
    }
}

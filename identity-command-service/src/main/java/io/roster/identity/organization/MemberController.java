package io.roster.identity.organization;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.roster.kit.openapi.SuccessStatus;
import io.roster.events.ProblemCode;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.events.identity.RemovalReason;
import io.roster.identity.access.Actor;
import io.roster.identity.membership.SingleOrganizationPolicy;
import io.roster.kit.command.Commands;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.ValidEmailAddress;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** An organization's members: add existing users, remove one or many, change roles, set teams, set end dates. */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/members")
class MemberController {

    static final int MAX_REMOVALS = 100;

    private final Commands commands;
    private final MemberAdditions additions;
    private final UserDirectory users;
    private final SingleOrganizationPolicy singleOrganization;
    private final Clock clock;

    MemberController(Commands commands, MemberAdditions additions, UserDirectory users,
                     SingleOrganizationPolicy singleOrganization, Clock clock) {
        this.commands = commands;
        this.additions = additions;
        this.users = users;
        this.singleOrganization = singleOrganization;
        this.clock = clock;
    }

    @ProblemCodes({ProblemCode.ALREADY_MEMBER, ProblemCode.USER_IN_OTHER_ORGANIZATION, ProblemCode.LAST_ADMIN})
    @SuccessStatus(201)
    @PostMapping
    Mono<ResponseEntity<Membership>> add(@PathVariable UUID organizationId, @Valid @RequestBody AddMemberRequest request,
                                         ServerWebExchange exchange) {
        List<ApiProblem.FieldProblem> problems = new ArrayList<>(OrganizationRoles.problems("roles", request.roles()));
        if ((request.userId() == null) == (request.email() == null)) {
            problems.add(new ApiProblem.FieldProblem("userId", "give either userId or email"));
        }
        if (!problems.isEmpty()) {
            throw ApiProblem.validation(problems);
        }
        Instant expiresAt = MembershipEndDate.check(request.expiresAt(), clock);
        List<String> roles = OrganizationRoles.normalize(request.roles());
        List<UUID> teamIds = request.teamIds() == null ? List.of() : List.copyOf(new LinkedHashSet<>(request.teamIds()));
        return CurrentCaller.get()
                .flatMap(caller -> commands.run(exchange, () -> {
                    // who may add members is decided before any lookup: the answer then tells nothing about the address
                    commands.sendAndWait(new CheckMemberAdmissionCommand(organizationId, roles, teamIds, Actor.of(caller)));
                    UUID userId = resolve(request);
                    SingleOrganizationPolicy.Admission admission = singleOrganization.admit(userId, organizationId);
                    try {
                        additions.add(new AddMemberCommand(organizationId, userId, roles, teamIds, expiresAt, Actor.of(caller)));
                    } catch (RuntimeException e) {
                        admission.release();
                        throw e;
                    }
                    return userId;
                }))
                .map(sent -> sent.respond(
                        ResponseEntity.created(URI.create("/api/v1/organizations/" + organizationId + "/members/" + sent.result())),
                        new Membership(organizationId, sent.result(), roles, teamIds, expiresAt)));
    }

    /** One user id or up to {@value #MAX_REMOVALS}, comma-separated; all or none are removed. */
    @ProblemCodes({ProblemCode.LAST_ADMIN})
    @DeleteMapping("/{userIds}")
    Mono<ResponseEntity<MemberRemoval>> remove(@PathVariable UUID organizationId, @PathVariable String userIds,
                                               ServerWebExchange exchange) {
        List<UUID> ids = parseIds(userIds);
        UUID batchId = UUID.randomUUID();
        return CurrentCaller.get()
                .flatMap(caller -> commands.<MemberRemoval>send(exchange,
                        new RemoveMembersCommand(organizationId, ids, RemovalReason.REMOVED, batchId, false, Actor.of(caller))))
                .map(sent -> sent.respond(ResponseEntity.ok(), sent.result()));
    }

    @ProblemCodes({ProblemCode.LAST_ADMIN})
    @PutMapping("/{userId}/roles")
    Mono<ResponseEntity<MemberRoles>> changeRoles(@PathVariable UUID organizationId, @PathVariable UUID userId,
                                                 @Valid @RequestBody RolesRequest request, ServerWebExchange exchange) {
        List<ApiProblem.FieldProblem> problems = OrganizationRoles.problems("roles", request.roles());
        if (!problems.isEmpty()) {
            throw ApiProblem.validation(problems);
        }
        List<String> roles = OrganizationRoles.normalize(request.roles());
        return CurrentCaller.get()
                .flatMap(caller -> commands.send(exchange,
                        new ChangeMemberRolesCommand(organizationId, userId, roles, Actor.of(caller))))
                .map(sent -> sent.respond(ResponseEntity.ok(), new MemberRoles(organizationId, userId, roles)));
    }

    @PutMapping("/{userId}/teams")
    Mono<ResponseEntity<MemberTeams>> setTeams(@PathVariable UUID organizationId, @PathVariable UUID userId,
                                              @Valid @RequestBody TeamsRequest request, ServerWebExchange exchange) {
        List<UUID> teamIds = List.copyOf(new LinkedHashSet<>(request.teamIds()));
        return CurrentCaller.get()
                .flatMap(caller -> commands.send(exchange,
                        new SetMemberTeamsCommand(organizationId, userId, teamIds, Actor.of(caller))))
                .map(sent -> sent.respond(ResponseEntity.ok(), new MemberTeams(organizationId, userId, teamIds)));
    }

    /** The membership's end date, or none ({@code expiresAt} null or left out); the last admin without one keeps none. */
    @ProblemCodes({ProblemCode.LAST_ADMIN})
    @PutMapping("/{userId}/expiry")
    Mono<ResponseEntity<MemberExpiry>> changeExpiry(@PathVariable UUID organizationId, @PathVariable UUID userId,
                                                   @RequestBody ExpiryRequest request, ServerWebExchange exchange) {
        Instant expiresAt = MembershipEndDate.check(request.expiresAt(), clock);
        return CurrentCaller.get()
                .flatMap(caller -> commands.send(exchange,
                        new ChangeMembershipExpiryCommand(organizationId, userId, expiresAt, Actor.of(caller))))
                .map(sent -> sent.respond(ResponseEntity.ok(), new MemberExpiry(organizationId, userId, expiresAt)));
    }

    private UUID resolve(AddMemberRequest request) {
        if (request.email() != null) {
            return users.addableUserIdByEmail(request.email())
                    .orElseThrow(() -> ApiProblem.notFound("There is no user with the address " + request.email().strip() + "."));
        }
        if (!users.isActiveUser(request.userId())) {
            throw ApiProblem.notFound("There is no user " + request.userId() + ".");
        }
        return request.userId();
    }

    static List<UUID> parseIds(String userIds) {
        Set<UUID> ids = new LinkedHashSet<>();
        for (String part : userIds.split(",", -1)) {
            try {
                ids.add(UUID.fromString(part.strip()));
            } catch (IllegalArgumentException e) {
                throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("userIds", "\"" + part.strip() + "\" is not a user id")));
            }
        }
        if (ids.size() > MAX_REMOVALS) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("userIds", "at most " + MAX_REMOVALS + " users per call")));
        }
        return List.copyOf(ids);
    }

    record AddMemberRequest(UUID userId, @ValidEmailAddress String email, List<String> roles,
                            @Size(max = 100) List<@NotNull UUID> teamIds,
                            @Schema(description = "When the membership ends by itself (MemberExpired): a future instant,"
                                    + " at most 10 years out. Left out: never.")
                            @JsonDeserialize(using = MembershipEndDate.IsoInstant.class) Instant expiresAt) {
        AddMemberRequest {
            email = email == null ? null : email.strip();
        }
    }

    record RolesRequest(List<String> roles) {
    }

    record TeamsRequest(@NotNull @Size(max = 100) List<@NotNull UUID> teamIds) {
    }

    record Membership(UUID organizationId, UUID userId, List<String> roles, List<UUID> teamIds, Instant expiresAt) {
    }

    record ExpiryRequest(@Schema(nullable = true, description = "When the membership ends by itself (MemberExpired): a future"
            + " instant, at most 10 years out. Null or left out: never.")
                         @JsonDeserialize(using = MembershipEndDate.IsoInstant.class) Instant expiresAt) {
    }

    record MemberExpiry(UUID organizationId, UUID userId, Instant expiresAt) {
    }

    record MemberRoles(UUID organizationId, UUID userId, List<String> roles) {
    }

    record MemberTeams(UUID organizationId, UUID userId, List<UUID> teamIds) {
    }
}

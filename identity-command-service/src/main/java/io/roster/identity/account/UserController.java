package io.roster.identity.account;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.events.ProblemCode;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.identity.access.Actor;
import io.roster.identity.membership.SingleOrganizationPolicy;
import io.roster.identity.organization.MembershipEndDate;
import io.roster.identity.organization.OrganizationRoles;
import io.roster.kit.command.Commands;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.ValidEmailAddress;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
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

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.swagger.v3.oas.annotations.media.Schema;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Users, managed by admins: create (with or without password, with memberships), rename, delete. */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
@RequestMapping("/api/v1/users")
class UserController {

    private final Commands commands;
    private final UserCreation creation;
    private final AccountDeletion deletion;
    private final SingleOrganizationPolicy singleOrganization;
    private final Clock clock;

    UserController(Commands commands, UserCreation creation, AccountDeletion deletion,
                   SingleOrganizationPolicy singleOrganization, Clock clock) {
        this.commands = commands;
        this.creation = creation;
        this.deletion = deletion;
        this.singleOrganization = singleOrganization;
        this.clock = clock;
    }

    @ProblemCodes({ProblemCode.EMAIL_TAKEN})
    @SuccessStatus(201)
    @PostMapping
    Mono<ResponseEntity<UserCreated>> create(@Valid @RequestBody CreateUserRequest request, ServerWebExchange exchange) {
        UserCreation.NewUser user = validated(request);
        return CurrentCaller.get()
                .flatMap(caller -> commands.run(exchange, () -> creation.create(user, Actor.of(caller))))
                .map(sent -> sent.respond(ResponseEntity.created(URI.create("/api/v1/users/" + sent.result())),
                        new UserCreated(sent.result())));
    }

    @PatchMapping("/{userId}")
    Mono<ResponseEntity<UpdateUserProfileCommand.Profile>> update(@PathVariable UUID userId,
                                                                   @Valid @RequestBody UpdateProfileRequest request,
                                                                   ServerWebExchange exchange) {
        if (request.firstName() == null && request.lastName() == null) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("firstName", "give firstName, lastName or both")));
        }
        return CurrentCaller.get()
                .flatMap(caller -> {
                    // decided on the ids, before the user is loaded: an unknown id must not answer otherwise than a real one
                    if (!caller.isProviderAdmin() && !caller.userId().equals(userId)) {
                        return Mono.error(ApiProblem.forbidden("Only the user themselves or a provider admin may change a user's name."));
                    }
                    return commands.<UpdateUserProfileCommand.Profile>send(exchange,
                            new UpdateUserProfileCommand(userId, request.firstName(), request.lastName(), Actor.of(caller)));
                })
                .map(sent -> sent.respond(ResponseEntity.ok(), sent.result()));
    }

    @ProblemCodes({ProblemCode.CANNOT_DELETE_SELF, ProblemCode.LAST_ADMIN})
    @DeleteMapping("/{userId}")
    Mono<ResponseEntity<UserDeletedResponse>> delete(@PathVariable UUID userId, ServerWebExchange exchange) {
        return CurrentCaller.get()
                .flatMap(caller -> commands.run(exchange, () -> deletion.delete(userId, Actor.of(caller))))
                .map(sent -> sent.respond(ResponseEntity.ok(), new UserDeletedResponse(userId, sent.result())));
    }

    private UserCreation.NewUser validated(CreateUserRequest request) {
        List<ApiProblem.FieldProblem> problems = new ArrayList<>();
        if (request.password() != null) {
            problems.addAll(Passwords.check("password", request.password()));
        }
        List<String> providerRoles = request.providerRoles() == null ? List.of() : request.providerRoles();
        if (providerRoles.stream().anyMatch(role -> !RosterPrincipal.PROVIDER_ADMIN.equals(role))) {
            problems.add(new ApiProblem.FieldProblem("providerRoles", "the only provider role is " + RosterPrincipal.PROVIDER_ADMIN));
        }
        List<MembershipRequest> memberships = request.memberships() == null ? List.of() : request.memberships();
        Set<UUID> organizations = new HashSet<>();
        for (int i = 0; i < memberships.size(); i++) {
            MembershipRequest membership = memberships.get(i);
            problems.addAll(OrganizationRoles.problems("memberships[" + i + "].roles", membership.roles()));
            problems.addAll(MembershipEndDate.problems("memberships[" + i + "].expiresAt", membership.expiresAt(), clock));
            if (membership.organizationId() != null && !organizations.add(membership.organizationId())) {
                problems.add(new ApiProblem.FieldProblem("memberships[" + i + "].organizationId", "names an organization twice"));
            }
        }
        if (singleOrganization.enabled() && memberships.size() > 1) {
            problems.add(new ApiProblem.FieldProblem("memberships", "a user may belong to only one organization"));
        }
        if (!problems.isEmpty()) {
            throw ApiProblem.validation(problems);
        }
        return new UserCreation.NewUser(request.firstName(), request.lastName(), request.email(), request.password(),
                providerRoles.stream().distinct().toList(),
                memberships.stream().map(m -> new UserCreation.Membership(m.organizationId(), OrganizationRoles.normalize(m.roles()),
                        m.teamIds() == null ? List.of() : m.teamIds().stream().distinct().toList(), m.expiresAt())).toList());
    }

    record CreateUserRequest(
            @NotBlank @Size(max = 100) String firstName,
            @NotBlank @Size(max = 100) String lastName,
            @NotBlank @ValidEmailAddress String email,
            String password,
            @Size(max = 5) List<String> providerRoles,
            @Size(max = 20) List<@Valid @NotNull MembershipRequest> memberships) {
        CreateUserRequest {
            email = email == null ? null : email.strip(); // compared trimmed and lower-cased anyway
        }
    }

    record MembershipRequest(@NotNull UUID organizationId, List<String> roles, @Size(max = 100) List<@NotNull UUID> teamIds,
                             @Schema(description = "When the membership ends by itself (MemberExpired), as on add-member: a"
                                     + " future instant, at most 10 years out. Left out: never.")
                             @JsonDeserialize(using = MembershipEndDate.IsoInstant.class) Instant expiresAt) {
    }

    record UpdateProfileRequest(@Size(min = 1, max = 100) String firstName, @Size(min = 1, max = 100) String lastName) {
    }

    record UserCreated(UUID userId) {
    }

    record UserDeletedResponse(UUID userId, List<UUID> removedFromOrganizations) {
    }
}

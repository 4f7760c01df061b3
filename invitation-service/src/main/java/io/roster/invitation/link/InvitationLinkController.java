package io.roster.invitation.link;

import io.roster.invitation.config.InvitationProperties;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.invitation.directory.OrganizationAccess;
import io.roster.invitation.token.InvitationTokens;
import io.roster.kit.axon.CommandSender;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

/** Invitation links of an organization: create, edit, enable/disable, and the URL for admins to copy. */
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/invitation-links")
class InvitationLinkController {

    private static final String ROLES = "admin|billing-manager|member";
    private static final String ROLE_MESSAGE = "must be admin, billing-manager or member";

    private final CommandSender commands;
    private final OrganizationAccess access;
    private final IdentityDirectory directory;
    private final LinkLookup lookup;
    private final InvitationTokens tokens;
    private final InvitationProperties properties;

    InvitationLinkController(CommandSender commands, OrganizationAccess access, IdentityDirectory directory, LinkLookup lookup,
                             InvitationTokens tokens, InvitationProperties properties) {
        this.commands = commands;
        this.access = access;
        this.directory = directory;
        this.lookup = lookup;
        this.tokens = tokens;
        this.properties = properties;
    }

    @PostMapping
    Mono<ResponseEntity<Created>> create(@PathVariable UUID organizationId, @Valid @RequestBody CreateRequest request,
                                         ServerWebExchange exchange) {
        return asManager(organizationId, caller -> {
            List<UUID> teamIds = teams(organizationId, request.teamIds());
            UUID linkId = UUID.randomUUID();
            InvitationTokens.NewToken token = tokens.next();
            CommandSender.Sent<Object> sent = commands.send(new CreateInvitationLinkCommand(linkId, organizationId, caller.userId(),
                    request.name().strip(), request.description(), patterns(request.emails()), request.expiresAt(), request.quota(),
                    request.roles().stream().distinct().toList(), teamIds, token.hash(), token.sealed()), linkId, exchange).block();
            return ResponseEntity.created(URI.create("/api/v1/organizations/" + organizationId + "/invitation-links/" + linkId))
                    .header(ConsistencyToken.HEADER, sent.consistencyToken())
                    .body(new Created(linkId, properties.inviteUrl(tokens.open(token.sealed()))));
        });
    }

    @PatchMapping("/{linkId}")
    Mono<ResponseEntity<Changed>> update(@PathVariable UUID organizationId, @PathVariable UUID linkId,
                                         @Valid @RequestBody UpdateRequest request, ServerWebExchange exchange) {
        return asManager(organizationId, caller -> {
            existing(organizationId, linkId);
            List<UUID> teamIds = request.teamIds() == null ? null : teams(organizationId, request.teamIds());
            CommandSender.Sent<Object> sent = commands.send(new UpdateInvitationLinkCommand(linkId, organizationId, caller.userId(),
                    request.name() == null ? null : request.name().strip(), request.description(),
                    request.emails() == null ? null : patterns(request.emails()), request.expiresAt(), request.quota(),
                    request.roles() == null ? null : request.roles().stream().distinct().toList(), teamIds), linkId, exchange).block();
            return ResponseEntity.ok().header(ConsistencyToken.HEADER, sent.consistencyToken()).body(new Changed(linkId));
        });
    }

    @PutMapping("/{linkId}/status")
    Mono<ResponseEntity<StatusResponse>> status(@PathVariable UUID organizationId, @PathVariable UUID linkId,
                                                @Valid @RequestBody StatusRequest request, ServerWebExchange exchange) {
        return asManager(organizationId, caller -> {
            existing(organizationId, linkId);
            CommandSender.Sent<Object> sent = commands.send(new SetInvitationLinkStatusCommand(linkId, organizationId, caller.userId(),
                    "enabled".equals(request.status())), linkId, exchange).block();
            return ResponseEntity.ok().header(ConsistencyToken.HEADER, sent.consistencyToken())
                    .body(new StatusResponse(linkId, request.status()));
        });
    }

    @GetMapping("/{linkId}/url")
    Mono<ResponseEntity<Url>> url(@PathVariable UUID organizationId, @PathVariable UUID linkId) {
        return asManager(organizationId, caller -> ResponseEntity.ok(
                new Url(linkId, properties.inviteUrl(tokens.open(existing(organizationId, linkId).token())))));
    }

    private <T> Mono<T> asManager(UUID organizationId, ManagerAction<T> action) {
        return CurrentCaller.get().flatMap(caller -> Mono.fromCallable((Callable<T>) () -> {
            access.requireManager(organizationId, caller);
            return action.run(caller);
        }).subscribeOn(Schedulers.boundedElastic()));
    }

    private LinkLookup.Entry existing(UUID organizationId, UUID linkId) {
        return lookup.byId(linkId).filter(e -> e.organizationId().equals(organizationId))
                .orElseThrow(() -> ApiProblem.notFound("No invitation link " + linkId + " in this organization."));
    }

    private List<UUID> teams(UUID organizationId, List<UUID> requested) {
        List<UUID> teamIds = requested == null ? List.of() : requested.stream().distinct().toList();
        List<UUID> unknown = directory.unknownTeams(organizationId, teamIds);
        if (!unknown.isEmpty()) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("teamIds", "not teams of this organization: " + unknown)));
        }
        return teamIds;
    }

    private static List<String> patterns(List<String> emails) {
        List<String> patterns = emails == null ? List.of() : emails.stream().map(EmailPatterns::normalize).distinct().toList();
        if (patterns.stream().anyMatch(p -> !EmailPatterns.isValid(p))) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("emails", "each must be an email address or *@domain")));
        }
        return patterns;
    }

    @FunctionalInterface
    private interface ManagerAction<T> {
        T run(RosterPrincipal caller);
    }

    record CreateRequest(@NotBlank @Size(max = 200) String name,
                         @Size(max = 1000) String description,
                         @Size(max = 100) List<@NotNull String> emails,
                         Instant expiresAt,
                         @Min(1) Integer quota,
                         @NotEmpty List<@NotNull @Pattern(regexp = ROLES, message = ROLE_MESSAGE) String> roles,
                         @Size(max = 100) List<@NotNull UUID> teamIds) {
    }

    record UpdateRequest(@Size(min = 1, max = 200) String name,
                         @Size(max = 1000) String description,
                         @Size(max = 100) List<@NotNull String> emails,
                         Instant expiresAt,
                         @Min(1) Integer quota,
                         @Size(min = 1) List<@NotNull @Pattern(regexp = ROLES, message = ROLE_MESSAGE) String> roles,
                         @Size(max = 100) List<@NotNull UUID> teamIds) {
    }

    record StatusRequest(@NotNull @Pattern(regexp = "enabled|disabled", message = "must be enabled or disabled") String status) {
    }

    record Created(UUID linkId, String url) {
    }

    record Changed(UUID linkId) {
    }

    record StatusResponse(UUID linkId, String status) {
    }

    record Url(UUID linkId, String url) {
    }
}

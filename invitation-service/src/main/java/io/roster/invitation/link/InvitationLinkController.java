package io.roster.invitation.link;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.events.invitation.LinkAudience;
import io.roster.events.invitation.MembershipTerms;
import io.roster.invitation.terms.MembershipTermsFields;
import io.roster.invitation.config.InvitationProperties;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.invitation.token.InvitationTokens;
import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.command.Commands;
import io.roster.kit.command.Sent;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.ValidOrganizationRole;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import io.swagger.v3.oas.annotations.media.Schema;
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
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.openapitools.jackson.nullable.JsonNullable;
import java.util.UUID;
import java.util.concurrent.Callable;

/** Invitation links of an organization: create, edit, enable/disable, and the URL for admins to copy. */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/invitation-links")
class InvitationLinkController {


    private final Commands commands;
    private final OrganizationAccess access;
    private final IdentityDirectory directory;
    private final LinkLookup lookup;
    private final InvitationTokens tokens;
    private final InvitationProperties properties;
    private final Clock clock;

    InvitationLinkController(Commands commands, OrganizationAccess access, IdentityDirectory directory, LinkLookup lookup,
                             InvitationTokens tokens, InvitationProperties properties, Clock clock) {
        this.clock = clock;
        this.commands = commands;
        this.access = access;
        this.directory = directory;
        this.lookup = lookup;
        this.tokens = tokens;
        this.properties = properties;
    }

    @SuccessStatus(201)
    @PostMapping
    Mono<ResponseEntity<Created>> create(@PathVariable UUID organizationId, @Valid @RequestBody CreateRequest request,
                                         ServerWebExchange exchange) {
        UUID linkId = UUID.randomUUID();
        return asManager(organizationId, exchange, caller -> {
            List<UUID> teamIds = teams(organizationId, request.teamIds());
            MembershipTerms membership = MembershipTermsFields.terms(request.membershipExpiresAt(), request.membershipDays(),
                    clock.instant());
            InvitationTokens.NewToken token = tokens.next();
            commands.sendAndWait(new CreateInvitationLinkCommand(linkId, organizationId, caller.userId(),
                    request.name().strip(), request.description(), patterns(request.emails()), request.expiresAt(), request.quota(),
                    request.roles().stream().distinct().toList(), teamIds, token.hash(), token.sealed(), membership));
            return new Created(linkId, properties.inviteUrl(tokens.open(token.sealed())));
        }).map(sent -> sent.respond(ResponseEntity.created(URI.create("/api/v1/organizations/" + organizationId + "/invitation-links/" + linkId)),
                sent.result()));
    }

    @PatchMapping("/{linkId}")
    Mono<ResponseEntity<Changed>> update(@PathVariable UUID organizationId, @PathVariable UUID linkId,
                                         @Valid @RequestBody UpdateRequest request, ServerWebExchange exchange) {
        return asManager(organizationId, exchange, caller -> {
            existing(organizationId, linkId);
            List<UUID> teamIds = request.teamIds() == null ? null : teams(organizationId, request.teamIds());
            Optional<Instant> membershipExpiresAt = patch(request.membershipExpiresAt());
            Optional<Integer> membershipDays = patch(request.membershipDays());
            MembershipTermsFields.checkPatch(membershipExpiresAt, membershipDays, clock.instant());
            return commands.sendAndWait(new UpdateInvitationLinkCommand(linkId, organizationId, caller.userId(),
                    request.name() == null ? null : request.name().strip(), request.description(),
                    request.emails() == null ? null : patterns(request.emails()), patch(request.expiresAt()), patch(request.quota()),
                    request.roles() == null ? null : request.roles().stream().distinct().toList(), teamIds,
                    membershipExpiresAt, membershipDays));
        }).map(sent -> sent.respond(ResponseEntity.ok(), new Changed(linkId)));
    }

    @PutMapping("/{linkId}/status")
    Mono<ResponseEntity<StatusResponse>> status(@PathVariable UUID organizationId, @PathVariable UUID linkId,
                                                @Valid @RequestBody StatusRequest request, ServerWebExchange exchange) {
        return asManager(organizationId, exchange, caller -> {
            existing(organizationId, linkId);
            return commands.sendAndWait(new SetInvitationLinkStatusCommand(linkId, organizationId, caller.userId(),
                    "enabled".equals(request.status())));
        }).map(sent -> sent.respond(ResponseEntity.ok(), new StatusResponse(linkId, request.status())));
    }

    @GetMapping("/{linkId}/url")
    Mono<ResponseEntity<Url>> url(@PathVariable UUID organizationId, @PathVariable UUID linkId) {
        return CurrentCaller.get().flatMap(caller -> Mono.fromCallable((Callable<ResponseEntity<Url>>) () -> {
            access.requireAdmin(caller, organizationId);
            return ResponseEntity.ok(new Url(linkId, properties.inviteUrl(tokens.open(existing(organizationId, linkId).token()))));
        }).subscribeOn(Schedulers.boundedElastic()));
    }

    /** Runs a manager's commands for the request, once the caller proved to be one. */
    private <T> Mono<Sent<T>> asManager(UUID organizationId, ServerWebExchange exchange, ManagerAction<T> action) {
        return CurrentCaller.get().flatMap(caller -> commands.run(exchange, () -> {
            access.requireAdmin(caller, organizationId);
            return action.run(caller);
        }));
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

    /** A merge-patch field as the command takes it: null when left out, empty when sent as null (removed). */
    private static <T> Optional<T> patch(JsonNullable<T> field) {
        return field == null || !field.isPresent() ? null : Optional.ofNullable(field.get());
    }

    private static List<String> patterns(List<String> emails) {
        List<String> patterns = emails == null ? List.of() : emails.stream().map(LinkAudience::normalize).distinct().toList();
        if (patterns.stream().anyMatch(p -> !LinkAudience.isValid(p))) {
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
                         @NotEmpty List<@NotNull @ValidOrganizationRole String> roles,
                         @Size(max = 100) List<@NotNull UUID> teamIds,
                         @Schema(description = "Memberships through the link end then (future, at most 10 years ahead); not with membershipDays.")
                         Instant membershipExpiresAt,
                         @Schema(description = "Memberships through the link end this many days after each join; not with membershipExpiresAt.")
                         @Min(1) @Max(MembershipTerms.MAX_DAYS) Integer membershipDays) {
    }

    @Schema(name = "InvitationLinkPatch") // the invitation PATCH has an UpdateRequest too: one name per shape
    record UpdateRequest(@Size(min = 1, max = 200) String name,
                         @Size(max = 1000) String description,
                         @Size(max = 100) List<@NotNull String> emails,
                         @Schema(implementation = Instant.class, nullable = true,
                                 description = "Left out: unchanged; null: the link never expires.")
                         JsonNullable<Instant> expiresAt,
                         @Schema(implementation = Integer.class, nullable = true, minimum = "1",
                                 description = "Left out: unchanged; null: no quota. At least the uses so far.")
                         JsonNullable<@Min(1) Integer> quota,
                         @Size(min = 1) List<@NotNull @ValidOrganizationRole String> roles,
                         @Size(max = 100) List<@NotNull UUID> teamIds,
                         @Schema(implementation = Instant.class, nullable = true, description = "Left out: unchanged; "
                                 + "null: none; a value (future, at most 10 years ahead) replaces membershipDays.")
                         JsonNullable<Instant> membershipExpiresAt,
                         @Schema(implementation = Integer.class, nullable = true, minimum = "1", maximum = "3650",
                                 description = "Left out: unchanged; null: none; a value replaces membershipExpiresAt.")
                         JsonNullable<@Min(1) @Max(MembershipTerms.MAX_DAYS) Integer> membershipDays) {
    }

    record StatusRequest(@NotNull @Pattern(regexp = "enabled|disabled", message = "must be enabled or disabled") String status) {
    }

    @Schema(name = "InvitationLinkCreated") // one name per shape in docs/openapi/roster.yaml
    record Created(UUID linkId, String url) {
    }

    record Changed(UUID linkId) {
    }

    record StatusResponse(UUID linkId, String status) {
    }

    record Url(UUID linkId, String url) {
    }
}

package io.roster.invitation.invitation;

import io.roster.invitation.directory.IdentityDirectory;
import io.roster.invitation.directory.OrganizationAccess;
import io.roster.kit.axon.CommandSender;
import io.roster.kit.consistency.ConsistencyToken;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.ProblemCodes;
import io.roster.kit.web.RuleViolation;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Personal invitations of an organization: issue (1–20 addresses, reported one by one), resend, revoke. */
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/invitations")
class InvitationController {

    static final String ALREADY_INVITED = "already_invited";
    static final String ALREADY_MEMBER = "already_member";
    private static final int DEFAULT_HOURS = 72;

    private final CommandSender commands;
    private final OrganizationAccess access;
    private final IdentityDirectory directory;
    private final InvitationLookup lookup;
    private final InvitationTokens tokens;
    private final Clock clock;

    InvitationController(CommandSender commands, OrganizationAccess access, IdentityDirectory directory,
                         InvitationLookup lookup, InvitationTokens tokens, Clock clock) {
        this.commands = commands;
        this.access = access;
        this.directory = directory;
        this.lookup = lookup;
        this.tokens = tokens;
        this.clock = clock;
    }

    @PostMapping
    Mono<ResponseEntity<IssueResponse>> issue(@PathVariable UUID organizationId, @Valid @RequestBody IssueRequest request,
                                              ServerWebExchange exchange) {
        return CurrentCaller.get()
                .flatMap(caller -> Mono.fromCallable(() -> issueAll(organizationId, request, caller, exchange))
                        .subscribeOn(Schedulers.boundedElastic()));
    }

    private ResponseEntity<IssueResponse> issueAll(UUID organizationId, IssueRequest request, RosterPrincipal caller,
                                                   ServerWebExchange exchange) {
        access.requireManager(organizationId, caller);
        List<UUID> teamIds = request.teamIds() == null ? List.of() : request.teamIds().stream().distinct().toList();
        List<UUID> unknownTeams = directory.unknownTeams(organizationId, teamIds);
        if (!unknownTeams.isEmpty()) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("teamIds",
                    "not teams of this organization: " + unknownTeams)));
        }
        List<String> roles = request.roles().stream().distinct().toList();
        Instant expiresAt = clock.instant().plus(Duration.ofHours(
                request.expiresInHours() == null ? DEFAULT_HOURS : request.expiresInHours()));
        List<Issued> issued = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        Map<String, Long> consistency = new HashMap<>();
        for (String raw : request.emails()) {
            String email = EmailAddresses.normalize(raw);
            if (!EmailAddresses.isValid(email)) {
                rejected.add(new Rejected(raw, ProblemCodes.VALIDATION_FAILED, "Not a valid email address."));
                continue;
            }
            if (directory.isMemberByEmail(organizationId, email)) {
                rejected.add(new Rejected(email, ALREADY_MEMBER, email + " is already a member of the organization."));
                continue;
            }
            UUID invitationId = UUID.randomUUID();
            if (!lookup.claim(organizationId, email, invitationId)) {
                rejected.add(new Rejected(email, ALREADY_INVITED, email + " already has a pending invitation to the organization."));
                continue;
            }
            try {
                InvitationTokens.NewToken token = tokens.next();
                IssueInvitationCommand command = new IssueInvitationCommand(invitationId, organizationId, caller.userId(), email,
                        blankToNull(request.firstName()), blankToNull(request.lastName()), roles, teamIds, expiresAt,
                        token.hash(), token.sealed());
                CommandSender.Sent<Object> sent = commands.send(command, invitationId, exchange).block();
                ConsistencyToken.decode(sent.consistencyToken()).sequences().forEach((k, v) -> consistency.merge(k, v, Math::max));
            } catch (RuntimeException e) {
                lookup.release(organizationId, email, invitationId);
                throw e;
            }
            issued.add(new Issued(invitationId, email, InvitationStatus.PENDING.json(), expiresAt));
        }
        ResponseEntity.BodyBuilder response = ResponseEntity.status(HttpStatus.CREATED);
        if (!consistency.isEmpty()) {
            response.header(ConsistencyToken.HEADER, new ConsistencyToken(consistency).encode());
        }
        return response.body(new IssueResponse(issued, rejected));
    }

    @PostMapping("/{invitationId}/resend")
    Mono<ResponseEntity<Issued>> resend(@PathVariable UUID organizationId, @PathVariable UUID invitationId,
                                        ServerWebExchange exchange) {
        return CurrentCaller.get().flatMap(caller -> Mono.fromCallable(() -> {
            access.requireManager(organizationId, caller);
            InvitationLookup.Entry entry = existing(organizationId, invitationId);
            if (InvitationStatus.ACCEPTED.json().equals(entry.status())) {
                throw new RuleViolation(Invitation.USED, "This invitation was already accepted.");
            }
            if (InvitationStatus.REVOKED.json().equals(entry.status())) {
                throw new RuleViolation(Invitation.REVOKED, "This invitation was revoked.");
            }
            if (!lookup.claim(organizationId, entry.email(), invitationId)) {
                throw new RuleViolation(ALREADY_INVITED, entry.email() + " has another pending invitation to the organization.");
            }
            try {
                InvitationTokens.NewToken token = tokens.next();
                CommandSender.Sent<ResendOutcome> sent = commands.<ResendOutcome>send(new ResendInvitationCommand(invitationId,
                        organizationId, caller.userId(), token.hash(), token.sealed()), invitationId, exchange).block();
                return ResponseEntity.ok().header(ConsistencyToken.HEADER, sent.consistencyToken())
                        .body(new Issued(invitationId, entry.email(), InvitationStatus.PENDING.json(), sent.result().expiresAt()));
            } catch (RuntimeException e) {
                if (!InvitationStatus.PENDING.json().equals(entry.status())) {
                    lookup.release(organizationId, entry.email(), invitationId);
                }
                throw e;
            }
        }).subscribeOn(Schedulers.boundedElastic()));
    }

    @DeleteMapping("/{invitationId}")
    Mono<ResponseEntity<Revoked>> revoke(@PathVariable UUID organizationId, @PathVariable UUID invitationId,
                                         ServerWebExchange exchange) {
        return CurrentCaller.get().flatMap(caller -> Mono.fromCallable(() -> {
            access.requireManager(organizationId, caller);
            existing(organizationId, invitationId);
            CommandSender.Sent<Object> sent = commands.send(new RevokeInvitationCommand(invitationId, organizationId, caller.userId()),
                    invitationId, exchange).block();
            return ResponseEntity.ok().header(ConsistencyToken.HEADER, sent.consistencyToken())
                    .body(new Revoked(invitationId, InvitationStatus.REVOKED.json()));
        }).subscribeOn(Schedulers.boundedElastic()));
    }

    private InvitationLookup.Entry existing(UUID organizationId, UUID invitationId) {
        return lookup.byId(invitationId)
                .filter(entry -> entry.organizationId().equals(organizationId))
                .orElseThrow(() -> ApiProblem.notFound("No invitation " + invitationId + " in this organization."));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    record IssueRequest(
            @NotNull @Size(min = 1, max = 20) List<@NotNull String> emails,
            @Size(max = 100) String firstName,
            @Size(max = 100) String lastName,
            @NotEmpty List<@NotNull @Pattern(regexp = "admin|billing-manager|member", message = "must be admin, billing-manager or member") String> roles,
            @Size(max = 100) List<@NotNull UUID> teamIds,
            @Min(1) @Max(720) Integer expiresInHours) {
    }

    record IssueResponse(List<Issued> invitations, List<Rejected> rejected) {
    }

    record Issued(UUID invitationId, String email, String status, Instant expiresAt) {
    }

    record Rejected(String email, String code, String detail) {
    }

    record Revoked(UUID invitationId, String status) {
    }
}

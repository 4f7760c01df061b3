package io.roster.invitation.invitation;

import io.roster.kit.openapi.SuccessStatus;
import io.roster.kit.openapi.ProblemCodes;
import io.roster.kit.openapi.ReadYourWrites;
import io.roster.events.EmailAddress;
import io.roster.events.ProblemCode;
import io.roster.events.invitation.MembershipTerms;
import io.roster.invitation.directory.IdentityDirectory;
import io.roster.invitation.terms.MembershipTermsFields;
import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.command.Commands;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.ValidOrganizationRole;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.openapitools.jackson.nullable.JsonNullable;
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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Personal invitations of an organization: issue (1–20 addresses, reported one by one), resend, revoke; see also {@link InvitationResendController}. */
@ReadYourWrites(ReadYourWrites.Role.ISSUES)
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/invitations")
class InvitationController {



    private final Commands commands;
    private final OrganizationAccess access;
    private final IdentityDirectory directory;
    private final InvitationLookup lookup;
    private final InvitationIssuer issuer;
    private final InvitationResender resender;
    private final Clock clock;

    InvitationController(Commands commands, OrganizationAccess access, IdentityDirectory directory,
                         InvitationLookup lookup, InvitationIssuer issuer, InvitationResender resender, Clock clock) {
        this.commands = commands;
        this.access = access;
        this.directory = directory;
        this.lookup = lookup;
        this.issuer = issuer;
        this.resender = resender;
        this.clock = clock;
    }

    @ProblemCodes({ProblemCode.RATE_LIMITED})
    @SuccessStatus(201)
    @PostMapping
    Mono<ResponseEntity<IssueResponse>> issue(@PathVariable UUID organizationId, @Valid @RequestBody IssueRequest request,
                                              ServerWebExchange exchange) {
        return CurrentCaller.get()
                .flatMap(caller -> commands.run(exchange, () -> issueAll(organizationId, request, caller)))
                .map(sent -> sent.respond(ResponseEntity.status(HttpStatus.CREATED), sent.result()));
    }

    private IssueResponse issueAll(UUID organizationId, IssueRequest request, RosterPrincipal caller) {
        access.requireAdmin(caller, organizationId);
        List<UUID> teamIds = request.teamIds() == null ? List.of() : request.teamIds().stream().distinct().toList();
        List<UUID> unknownTeams = directory.unknownTeams(organizationId, teamIds);
        if (!unknownTeams.isEmpty()) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("teamIds",
                    "not teams of this organization: " + unknownTeams)));
        }
        List<String> roles = request.roles().stream().distinct().toList();
        Instant expiresAt = expiresAt(request, clock.instant());
        MembershipTerms membership = MembershipTermsFields.terms(request.membershipExpiresAt(), request.membershipDays(),
                clock.instant());
        // invalid addresses are refused here; the others go to the issuer together, and are reported in request order
        List<InviteeRequest> requested = request.inviteesOrEmails();
        Rejected[] invalid = new Rejected[requested.size()];
        List<InvitationIssuer.Invitee> invitees = new ArrayList<>();
        for (int i = 0; i < invalid.length; i++) {
            InviteeRequest invitee = requested.get(i);
            String email = EmailAddress.normalize(invitee.email());
            if (EmailAddress.isValid(email)) {
                invitees.add(new InvitationIssuer.Invitee(email, nameOr(invitee.firstName(), request.firstName()),
                        nameOr(invitee.lastName(), request.lastName()), teamIds));
            } else {
                invalid[i] = new Rejected(invitee.email(), ProblemCode.VALIDATION_FAILED.code(), "Not a valid email address.");
            }
        }
        InvitationIssuer.Terms terms = new InvitationIssuer.Terms(organizationId, caller.userId(), roles, expiresAt, null,
                membership);
        Iterator<InvitationIssuer.Outcome> outcomes = issuer.issue(terms, invitees).iterator();

        List<Issued> issued = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (Rejected invalidAddress : invalid) {
            if (invalidAddress != null) {
                rejected.add(invalidAddress);
            } else {
                InvitationIssuer.Outcome outcome = outcomes.next();
                if (outcome instanceof InvitationIssuer.Issued ok) {
                    issued.add(new Issued(ok.invitationId(), ok.email(), InvitationStatus.PENDING.json(), ok.expiresAt()));
                } else if (outcome instanceof InvitationIssuer.Refused refused) {
                    rejected.add(new Rejected(refused.email(), refused.code(), refused.detail()));
                }
            }
        }
        return new IssueResponse(issued, rejected);
    }

    @PostMapping("/{invitationId}/resend")
    Mono<ResponseEntity<Issued>> resend(@PathVariable UUID organizationId, @PathVariable UUID invitationId,
                                        ServerWebExchange exchange) {
        return CurrentCaller.get().flatMap(caller -> commands.run(exchange, () -> {
            access.requireAdmin(caller, organizationId);
            InvitationResender.Resent resent = resender.resend(organizationId, invitationId, caller.userId());
            return new Issued(invitationId, resent.email(), InvitationStatus.PENDING.json(), resent.expiresAt());
        })).map(sent -> sent.respond(ResponseEntity.ok(), sent.result()));
    }

    /** Edits a pending invitation's roles, teams, expiry or membership terms; the invitee's link keeps working. */
    @PatchMapping("/{invitationId}")
    Mono<ResponseEntity<Changed>> update(@PathVariable UUID organizationId, @PathVariable UUID invitationId,
                                         @Valid @RequestBody UpdateRequest request, ServerWebExchange exchange) {
        return CurrentCaller.get().flatMap(caller -> commands.run(exchange, () -> {
            access.requireAdmin(caller, organizationId);
            existing(organizationId, invitationId);
            List<UUID> teamIds = request.teamIds() == null ? null : request.teamIds().stream().distinct().toList();
            List<UUID> unknownTeams = teamIds == null ? List.of() : directory.unknownTeams(organizationId, teamIds);
            if (!unknownTeams.isEmpty()) {
                throw ApiProblem.invalidField("teamIds", "not teams of this organization: " + unknownTeams);
            }
            Optional<Instant> membershipExpiresAt = patch(request.membershipExpiresAt());
            Optional<Integer> membershipDays = patch(request.membershipDays());
            MembershipTermsFields.checkPatch(membershipExpiresAt, membershipDays, clock.instant());
            return commands.sendAndWait(new UpdateInvitationCommand(invitationId, organizationId, caller.userId(),
                    request.roles() == null ? null : request.roles().stream().distinct().toList(), teamIds, request.expiresAt(),
                    membershipExpiresAt, membershipDays));
        })).map(sent -> sent.respond(ResponseEntity.ok(), new Changed(invitationId)));
    }

    @DeleteMapping("/{invitationId}")
    Mono<ResponseEntity<Revoked>> revoke(@PathVariable UUID organizationId, @PathVariable UUID invitationId,
                                         ServerWebExchange exchange) {
        return CurrentCaller.get().flatMap(caller -> commands.run(exchange, () -> {
            access.requireAdmin(caller, organizationId);
            existing(organizationId, invitationId);
            return commands.sendAndWait(new RevokeInvitationCommand(invitationId, organizationId, caller.userId()));
        })).map(sent -> sent.respond(ResponseEntity.ok(), new Revoked(invitationId, InvitationStatus.REVOKED.json())));
    }

    private InvitationLookup.Entry existing(UUID organizationId, UUID invitationId) {
        return lookup.byId(invitationId)
                .filter(entry -> entry.organizationId().equals(organizationId))
                .orElseThrow(() -> ApiProblem.notFound("No invitation " + invitationId + " in this organization."));
    }

    /**
     * {@code expiresInHours} (1–720, default 72) or, as invitation links take it, an exact {@code expiresAt} within
     * the same 720 hours; not both.
     */
    private static Instant expiresAt(IssueRequest request, Instant now) {
        if (request.expiresAt() == null) {
            return now.plus(request.expiresInHours() == null ? InvitationIssuer.DEFAULT_VALIDITY
                    : Duration.ofHours(request.expiresInHours()));
        }
        if (request.expiresInHours() != null) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("expiresAt",
                    "give expiresAt or expiresInHours, not both")));
        }
        if (!request.expiresAt().isAfter(now) || request.expiresAt().isAfter(now.plus(Invitation.MAX_VALIDITY))) {
            throw ApiProblem.validation(List.of(new ApiProblem.FieldProblem("expiresAt",
                    "must be in the future and at most 720 hours away")));
        }
        return request.expiresAt();
    }

    /** A merge-patch field as the command takes it: null when left out, empty when sent as null (removed). */
    private static <T> Optional<T> patch(JsonNullable<T> field) {
        return field == null || !field.isPresent() ? null : Optional.ofNullable(field.get());
    }

    /** The invitee's own name part if given, else the request's (which {@code emails} share), else none. */
    private static String nameOr(String own, String shared) {
        String name = blankToNull(own);
        return name != null ? name : blankToNull(shared);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * Who to invite: {@code invitees}, each with its own name, or (the older form, still accepted) {@code emails}, which
     * share the request's {@code firstName} and {@code lastName}. One of the two, 1 to 20 addresses.
     */
    record IssueRequest(
            @Size(min = 1, max = 20) List<@NotNull @Valid InviteeRequest> invitees,
            @Size(min = 1, max = 20) List<@NotNull String> emails,
            @Size(max = 100) String firstName,
            @Size(max = 100) String lastName,
            @NotEmpty List<@NotNull @ValidOrganizationRole String> roles,
            @Size(max = 100) List<@NotNull UUID> teamIds,
            @Min(1) @Max(720) Integer expiresInHours,
            Instant expiresAt,
            @Schema(description = "The invitee's membership ends then (future, at most 10 years ahead); not with membershipDays.")
            Instant membershipExpiresAt,
            @Schema(description = "The invitee's membership ends this many days after they join; not with membershipExpiresAt.")
            @Min(1) @Max(MembershipTerms.MAX_DAYS) Integer membershipDays) {

        List<InviteeRequest> inviteesOrEmails() {
            if (invitees != null && emails != null) {
                throw ApiProblem.invalidField("emails", "give invitees or emails, not both");
            }
            if (invitees == null && emails == null) {
                throw ApiProblem.invalidField("invitees", "must list 1 to 20 invitees");
            }
            return invitees != null ? invitees : emails.stream().map(email -> new InviteeRequest(email, null, null)).toList();
        }
    }

    /** One invitee: the address, and the name the invitation greets and the member list shows until they join. */
    record InviteeRequest(@NotNull String email, @Size(max = 100) String firstName, @Size(max = 100) String lastName) {
    }

    /**
     * What to change in a pending invitation; a field left out stays as it is (an invitation always expires). The
     * membership terms are a JSON merge patch: null removes one, a value for one replaces the other.
     */
    @Schema(name = "InvitationPatch") // the link PATCH has an UpdateRequest too: one name per shape
    record UpdateRequest(@Size(min = 1) List<@NotNull @ValidOrganizationRole String> roles,
                         @Size(max = 100) List<@NotNull UUID> teamIds,
                         Instant expiresAt,
                         @Schema(implementation = Instant.class, nullable = true, description = "Left out: unchanged; "
                                 + "null: none; a value (future, at most 10 years ahead) replaces membershipDays.")
                         JsonNullable<Instant> membershipExpiresAt,
                         @Schema(implementation = Integer.class, nullable = true, minimum = "1", maximum = "3650",
                                 description = "Left out: unchanged; null: none; a value replaces membershipExpiresAt.")
                         JsonNullable<@Min(1) @Max(MembershipTerms.MAX_DAYS) Integer> membershipDays) {
    }

    record Changed(UUID invitationId) {
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

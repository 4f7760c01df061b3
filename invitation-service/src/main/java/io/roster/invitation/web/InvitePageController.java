package io.roster.invitation.web;

import io.roster.events.ProblemCode;
import io.roster.invitation.invitation.InvitationAcceptance;
import io.roster.invitation.settings.AfterJoinUrls;
import io.roster.kit.command.Commands;
import io.roster.kit.command.Sent;
import io.roster.kit.security.RosterPrincipal;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.RuleViolation;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /invite/{token}}, the link of the invitation email (PRODUCT.md §4 "Browser flow"): a logged-in
 * visitor sees the organization and an Accept button; anyone else gets the invitation in a 30-minute cookie and is
 * sent to sign up (or log in, one click away), from where the pages come back here. The Accept form runs the same
 * acceptance as {@code POST /api/v1/invitations/{token}/accept}. Tokens are never logged.
 */
@Controller
class InvitePageController {

    static final String NOT_FOUND = ProblemCode.INVITATION_NOT_FOUND.code();
    private static final DateTimeFormatter END_FORMAT =
            DateTimeFormatter.ofPattern("d MMMM uuuu 'at' HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final InvitationAcceptance acceptance;
    private final Commands commands;
    private final PageSession session;
    private final AfterJoinUrls afterJoin;
    private final Clock clock;

    InvitePageController(InvitationAcceptance acceptance, Commands commands, PageSession session, AfterJoinUrls afterJoin,
                         Clock clock) {
        this.clock = clock;
        this.acceptance = acceptance;
        this.commands = commands;
        this.session = session;
        this.afterJoin = afterJoin;
    }

    @GetMapping("/invite/{token}")
    Mono<Rendering> open(@PathVariable String token, ServerWebExchange exchange) {
        if (!InviteCookies.looksLikeToken(token)) {
            return Mono.just(problemPage(PageProblem.of(NOT_FOUND)).build());
        }
        return preview(acceptance, token)
                .flatMap(preview -> session.caller(exchange)
                        .map(caller -> acceptPage(token, preview, caller, clock.instant()))
                        .switchIfEmpty(Mono.fromSupplier(() -> toLoginOrSignUp(token, preview, exchange, clock.instant()))))
                .switchIfEmpty(Mono.fromSupplier(() -> problemPage(PageProblem.of(NOT_FOUND)).build()));
    }

    @PostMapping("/invite/{token}/accept")
    Mono<Rendering> accept(@PathVariable String token, ServerWebExchange exchange) {
        if (!InviteCookies.looksLikeToken(token)) {
            return Mono.just(problemPage(PageProblem.of(NOT_FOUND)).build());
        }
        return session.caller(exchange)
                .flatMap(caller -> commands.run(exchange, () -> {
                            InvitationAcceptance.Accepted accepted = acceptance.accept(token, caller);
                            exchange.getResponse().addCookie(InviteCookies.cleared(InviteCookies.INVITATION, exchange));
                            Optional<InvitationAcceptance.Preview> preview = acceptance.preview(token);
                            return Rendering.view("invite/joined")
                                    .modelAttribute("organizationId", accepted.organizationId())
                                    .modelAttribute("organizationName", preview.map(InvitationAcceptance.Preview::organizationName).orElse(null))
                                    .modelAttribute("roles", preview.map(InvitationAcceptance.Preview::roles).orElse(List.of()))
                                    .modelAttribute("callerEmail", caller.email())
                                    .modelAttribute("membershipEndsOn", endsOn(accepted.membershipExpiresAt()))
                                    // on to the product, not a dead-end page: a link and a refresh, as the pages' form-action
                                    // policy ('self') would stop a browser from following a redirect of the form's POST
                                    .modelAttribute("continueTo", afterJoin.forJoined(accepted.organizationId())
                                            .map(URI::toString).orElse(null))
                                    .build();
                        })
                        .map(Sent::result)
                        .onErrorResume(e -> codeOf(e) != null, e -> Mono.just(problemPage(PageProblem.of(codeOf(e)))
                                .modelAttribute("callerEmail", caller.email())
                                .modelAttribute("token", token)
                                .build())))
                // the session ended (or never was): back to the invitation, which asks to log in again
                .switchIfEmpty(Mono.fromSupplier(() -> Rendering.redirectTo("/invite/" + token).build()));
    }

    static Mono<InvitationAcceptance.Preview> preview(InvitationAcceptance acceptance, String token) {
        return Mono.fromCallable(() -> acceptance.preview(token))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(Mono::justOrEmpty);
    }

    private static Rendering acceptPage(String token, InvitationAcceptance.Preview preview, RosterPrincipal caller,
                                        Instant now) {
        // "accepted" may be this visitor's own acceptance (signing up with the invitation accepts it): accepting
        // again as them answers the same result, as anyone else it answers invitation_used
        PageProblem problem = "accepted".equals(preview.status()) ? null : PageProblem.ofPreview(preview, now);
        if (problem != null) {
            return problemPage(problem).modelAttribute("organizationName", preview.organizationName())
                    .modelAttribute("callerEmail", caller.email()).modelAttribute("token", token).build();
        }
        return withPreview(Rendering.view("invite/accept"), preview)
                .modelAttribute("token", token)
                .modelAttribute("callerEmail", caller.email())
                .build();
    }

    private static Rendering toLoginOrSignUp(String token, InvitationAcceptance.Preview preview, ServerWebExchange exchange,
                                             Instant now) {
        PageProblem problem = PageProblem.ofPreview(preview, now);
        if (problem != null) {
            return problemPage(problem).modelAttribute("organizationName", preview.organizationName()).build();
        }
        exchange.getResponse().addCookie(InviteCookies.invitation(token, exchange));
        return Rendering.redirectTo("/invite/sign-up").status(HttpStatus.SEE_OTHER).build();
    }

    static Rendering.Builder<?> withPreview(Rendering.Builder<?> page, InvitationAcceptance.Preview preview) {
        return page.modelAttribute("organizationName", preview.organizationName())
                .modelAttribute("roles", preview.roles())
                .modelAttribute("emailHint", preview.emailHint())
                .modelAttribute("membershipEndsOn", endsOn(preview.membershipExpiresAt()));
    }

    /** A membership's end as the pages say it ("25 February 2027 at 19:03 UTC"), or null for none. */
    static String endsOn(Instant end) {
        return end == null ? null : END_FORMAT.format(end);
    }

    static Rendering.Builder<?> problemPage(PageProblem problem) {
        return Rendering.view("invite/unavailable").status(problem.status()).modelAttribute("problem", problem);
    }

    /** The code of a refusal the visitor can act on (Axon and Reactor may wrap it), or null for a failure. */
    private static String codeOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RuleViolation rule) {
                return rule.code();
            }
            if (t instanceof ApiProblem problem && problem.status().is4xxClientError()) {
                return problem.code();
            }
        }
        return null;
    }
}

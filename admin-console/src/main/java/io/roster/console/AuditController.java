package io.roster.console;

import io.roster.console.RosterApi.Service;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

/**
 * The audit page: the organization's timeline (oldest first, as the query service keeps it) filtered by event type,
 * actor and a time range, a page at a time; an export of the filtered timeline as CSV; and the members as of a chosen
 * instant. The API shows the timeline to admins only, the members at an instant to every member: a plain member gets
 * the second and a note instead of the first.
 */
@Controller
@RequestMapping("/console/organizations/{organizationId}/audit")
class AuditController {

    /** The organization events of PRODUCT.md §5 an admin filters by, identity's then invitation's. */
    static final List<String> EVENT_TYPES = List.of("OrganizationCreated", "OrganizationRenamed", "MemberAdded", "MemberRemoved",
            "MemberRolesChanged", "MemberTeamsChanged", "MemberExpired", "MembershipExpiryChanged", "TeamCreated", "TeamRenamed",
            "TeamDeleted", "InvitationIssued", "InvitationResent", "InvitationRevoked", "InvitationExpired", "InvitationAccepted",
            "InvitationDeclined", "InvitationUpdated", "InvitationLinkCreated", "InvitationLinkUpdated", "InvitationLinkEnabled",
            "InvitationLinkDisabled", "InvitationLinkUsed", "BulkInvitationCompleted");
    /** Rows per read: an event's JSON is up to a few KiB, and an answer must stay under the console's 256 KiB. */
    static final int PAGE = 50;
    /** The export's bound: a longer timeline is cut, and the file's last line says so. */
    static final int EXPORT_PAGES = 100;

    private final RosterApi api;
    private final OrganizationContext context;

    AuditController(RosterApi api, OrganizationContext context) {
        this.api = api;
        this.context = context;
    }

    /** The filters as typed; {@link #query} is what the API gets, once {@link #problems} found nothing wrong. */
    public record Filters(String type, String actor, String from, String to) {

        public Filters {
            type = type != null && EVENT_TYPES.contains(type) ? type : "";
            actor = AfterChange.isId(actor) ? actor : "";
            from = from == null ? "" : from.strip();
            to = to == null ? "" : to.strip();
        }

        Map<String, String> problems() {
            Map<String, String> problems = new LinkedHashMap<>();
            Instant start = instant(from, "from", problems);
            Instant end = instant(to, "to", problems);
            if (start != null && end != null && !end.isAfter(start)) {
                problems.put("to", "must be after the start");
            }
            return problems;
        }

        String query() {
            StringBuilder query = new StringBuilder();
            append(query, "type", type);
            append(query, "actor", actor);
            Instant start = instant(from, "from", new LinkedHashMap<>());
            Instant end = instant(to, "to", new LinkedHashMap<>());
            append(query, "from", start == null ? "" : start.toString());
            append(query, "to", end == null ? "" : end.toString());
            return query.toString();
        }

        private static void append(StringBuilder query, String name, String value) {
            if (!value.isEmpty()) {
                query.append('&').append(name).append('=').append(UriUtils.encode(value, java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    @GetMapping
    Mono<String> audit(@PathVariable String organizationId, @RequestParam(required = false) String type,
                       @RequestParam(required = false) String actor, @RequestParam(required = false) String from,
                       @RequestParam(required = false) String to, @RequestParam(required = false) String cursor,
                       @RequestParam(required = false) String asOf, ServerWebExchange exchange, Model model) {
        Filters filters = new Filters(type, actor, from, to);
        model.addAttribute("filters", filters);
        model.addAttribute("eventTypes", EVENT_TYPES);
        model.addAttribute("asOf", asOf == null ? "" : asOf.strip());
        model.addAttribute("events", List.of());
        return MembersController.withUser(exchange, user -> exchange.getSession().flatMap(session -> {
            String consistencyToken = ConsoleSession.lastChange(session);
            Mono<ApiAnswer> members = api.get(Service.QUERY, "/api/v1/organizations/" + organizationId + "/members?limit="
                    + OrganizationContext.PAGE + "&status=active", user.accessToken(), consistencyToken);
            return Mono.zip(context.load(user, organizationId, consistencyToken), members, membersAsOf(user, organizationId, asOf, model))
                    .flatMap(loaded -> {
                        model.addAttribute("context", loaded.getT1());
                        model.addAttribute("organizationId", organizationId);
                        Map<String, String> emailsById = new LinkedHashMap<>();
                        loaded.getT2().body().path("items").forEach(row -> emailsById.put(row.path("userId").asText(), row.path("email").asText()));
                        model.addAttribute("actors", emailsById);
                        if (!loaded.getT1().canAdmin()) {
                            return Mono.just("audit");
                        }
                        Map<String, String> problems = filters.problems();
                        if (!problems.isEmpty()) {
                            ApiProblem problem = new ApiProblem(400, "validation_failed", "Check the time range: no event was read.", problems);
                            model.addAttribute("filterProblem", problem);
                            AfterChange.refusedWith(exchange, problem);
                            return Mono.just("audit");
                        }
                        String page = "/api/v1/organizations/" + organizationId + "/events?limit=" + PAGE + filters.query()
                                + (cursor == null || cursor.isBlank() ? "" : "&cursor=" + UriUtils.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
                        return api.get(Service.QUERY, page, user.accessToken(), consistencyToken).map(answer -> {
                            List<Views.AuditEvent> events = new ArrayList<>();
                            answer.body().path("items").forEach(row -> events.add(Views.AuditEvent.of(row, emailsById)));
                            model.addAttribute("events", events);
                            model.addAttribute("nextCursor", answer.body().path("nextCursor").asText(null));
                            if (!answer.ok()) {
                                model.addAttribute("filterProblem", answer.problem());
                                AfterChange.refusedWith(exchange, answer.problem());
                            }
                            return "audit";
                        });
                    });
        }));
    }

    /** The filtered timeline as a CSV file, every page of it up to {@link #EXPORT_PAGES}. */
    @GetMapping("/export.csv")
    Mono<ResponseEntity<String>> export(@PathVariable String organizationId, @RequestParam(required = false) String type,
                                        @RequestParam(required = false) String actor, @RequestParam(required = false) String from,
                                        @RequestParam(required = false) String to, ServerWebExchange exchange) {
        Filters filters = new Filters(type, actor, from, to);
        if (!filters.problems().isEmpty()) {
            return Mono.just(plain(400, "Nothing was exported: " + filters.problems() + ".\n"));
        }
        String base = "/api/v1/organizations/" + organizationId + "/events?limit=" + PAGE + filters.query();
        return exchange.getSession().map(ConsoleSession::user).flatMap(user -> {
            StringBuilder csv = new StringBuilder("occurredAt,event,actorId,aggregateId,eventId,payload\r\n");
            return pages(base, user, null, 0, csv).map(problem -> problem.isPresent()
                    ? plain(problem.get().status(), "Nothing was exported: " + problem.get().message() + "\n")
                    : ResponseEntity.ok().contentType(new MediaType("text", "csv", java.nio.charset.StandardCharsets.UTF_8))
                            .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"roster-audit-" + organizationId + ".csv\"")
                            .body(csv.toString()));
        });
    }

    /** Reads page after page into {@code csv}; answers the refusal of the first read that failed, if one did. */
    private Mono<Optional<ApiProblem>> pages(String base, SignedInUser user, String cursor, int read, StringBuilder csv) {
        if (read == EXPORT_PAGES) {
            csv.append(",,,,,\"cut after ").append(EXPORT_PAGES * PAGE).append(" events: narrow the filters\"\r\n");
            return Mono.just(Optional.empty());
        }
        String path = base + (cursor == null ? "" : "&cursor=" + UriUtils.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
        return api.get(Service.QUERY, path, user.accessToken(), null).flatMap(answer -> {
            if (!answer.ok()) {
                return Mono.just(Optional.of(answer.problem()));
            }
            answer.body().path("items").forEach(row -> csv.append(String.join(",", List.of(row.path("occurredAt").asText(),
                    row.path("name").asText(), row.path("actorId").asText(""), row.path("aggregateId").asText(""),
                    row.path("eventId").asText(), quoted(row.path("payload").toString())))).append("\r\n"));
            String next = answer.body().path("nextCursor").asText(null);
            return next == null || next.isEmpty() ? Mono.just(Optional.<ApiProblem>empty()) : pages(base, user, next, read + 1, csv);
        });
    }

    /** The members at {@code asOf}, or nothing asked: the model gets the rows or the refusal. */
    private Mono<Boolean> membersAsOf(SignedInUser user, String organizationId, String asOf, Model model) {
        if (asOf == null || asOf.isBlank()) {
            return Mono.just(false);
        }
        Map<String, String> problems = new LinkedHashMap<>();
        Instant instant = instant(asOf.strip(), "asOf", problems);
        if (instant == null) {
            model.addAttribute("asOfProblem", new ApiProblem(400, "validation_failed", problems.get("asOf"), Map.of()));
            return Mono.just(false);
        }
        model.addAttribute("asOfInstant", instant.toString());
        return api.get(Service.QUERY, "/api/v1/organizations/" + organizationId + "/members?limit=" + OrganizationContext.PAGE
                + "&asOf=" + UriUtils.encode(instant.toString(), java.nio.charset.StandardCharsets.UTF_8), user.accessToken(), null).map(answer -> {
            List<Views.Member> rows = new ArrayList<>();
            answer.body().path("items").forEach(row -> rows.add(Views.Member.of(row)));
            model.addAttribute("membersAsOf", rows);
            if (!answer.ok()) {
                model.addAttribute("asOfProblem", answer.problem());
            }
            return true;
        });
    }

    /**
     * An instant as a person types it: ISO with an offset ({@code 2026-12-07T09:30:00+01:00}), or a date and time
     * without one, or a date alone, both taken as UTC (the page says so). Anything else is a message for the field.
     */
    static Instant instant(String text, String field, Map<String, String> problems) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String value = text.strip().replace(' ', 'T');
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notWithOffset) {
            try {
                return LocalDateTime.parse(value).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notADate) {
                    problems.put(field, "'" + text.strip() + "' is not a time: write it as 2026-12-07 09:30 (UTC) or "
                            + "2026-12-07T09:30:00+01:00");
                    return null;
                }
            }
        }
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }

    private static ResponseEntity<String> plain(int status, String text) {
        return ResponseEntity.status(status).contentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8)).body(text);
    }
}

package io.roster.notification.log;

import io.roster.events.notification.NotificationKind;
import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.security.CurrentCaller;
import io.roster.kit.web.ApiProblem;
import io.roster.kit.web.Page;
import io.roster.kit.web.PageRequest;
import io.roster.notification.delivery.DeliveryStatus;
import io.roster.notification.delivery.DeliveryDocuments;
import io.roster.notification.delivery.DeliveryLog;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The delivery log, newest first, optionally filtered by {@code status} and {@code kind}:
 * <ul>
 *   <li>{@code GET /api/v1/organizations/{orgId}/notifications}, an organization's, for its admins and provider admins;</li>
 *   <li>{@code GET /api/v1/notifications}, every email including those of no organization (a sign-up's verification,
 *       the set-up of an account created without memberships), optionally of one {@code userId} or {@code recipient}
 *       address, for provider admins only: who else could see other organizations' addresses.</li>
 * </ul>
 */
@RestController
class DeliveryLogController {

    private final DeliveryLog deliveries;
    private final OrganizationAccess access;

    DeliveryLogController(DeliveryLog deliveries, OrganizationAccess access) {
        this.deliveries = deliveries;
        this.access = access;
    }

    @GetMapping("/api/v1/organizations/{organizationId}/notifications")
    Mono<Page<DeliveryLogItem>> log(@PathVariable UUID organizationId,
                                    @RequestParam(required = false) String limit,
                                    @RequestParam(required = false) String cursor,
                                    @RequestParam(required = false) String status,
                                    @RequestParam(required = false) String kind) {
        List<ApiProblem.FieldProblem> problems = new ArrayList<>();
        Filters filters = Filters.parse(limit, cursor, status, kind, problems);
        if (!problems.isEmpty()) {
            return Mono.error(ApiProblem.validation(problems));
        }
        return access.admin(organizationId).map(caller -> filters.page(page ->
                deliveries.page(organizationId, page.after(), page.fetchSize(), filters.status(), filters.kind())));
    }

    @GetMapping("/api/v1/notifications")
    Mono<Page<DeliveryLogItem>> logOfEveryone(@RequestParam(required = false) String limit,
                                              @RequestParam(required = false) String cursor,
                                              @RequestParam(required = false) String status,
                                              @RequestParam(required = false) String kind,
                                              @RequestParam(required = false) String userId,
                                              @RequestParam(required = false) String recipient) {
        List<ApiProblem.FieldProblem> problems = new ArrayList<>();
        Filters filters = Filters.parse(limit, cursor, status, kind, problems);
        UUID user = null;
        if (userId != null && !userId.isBlank()) {
            try {
                user = UUID.fromString(userId.strip());
            } catch (IllegalArgumentException e) {
                problems.add(new ApiProblem.FieldProblem("userId", "must be a UUID"));
            }
        }
        String address = recipient == null || recipient.isBlank() ? null : recipient.strip();
        if (address != null && address.length() > 320) {
            problems.add(new ApiProblem.FieldProblem("recipient", "must be at most 320 characters"));
        }
        if (!problems.isEmpty()) {
            return Mono.error(ApiProblem.validation(problems));
        }
        UUID ofUser = user;
        return CurrentCaller.get().publishOn(Schedulers.boundedElastic()).map(caller -> {
            if (!caller.isProviderAdmin()) {
                throw ApiProblem.forbidden("Only provider admins may read every organization's emails.");
            }
            return filters.page(page -> deliveries.pageAll(ofUser, address, page.after(), page.fetchSize(),
                    filters.status(), filters.kind()));
        });
    }

    /** The paging and the filters both logs take, checked once. */
    private record Filters(PageRequest request, DeliveryStatus status, NotificationKind kind) {

        static Filters parse(String limit, String cursor, String status, String kind, List<ApiProblem.FieldProblem> problems) {
            PageRequest page = PageRequest.of(limit, cursor, problems);
            DeliveryStatus statusFilter = status == null || status.isBlank() ? null : DeliveryStatus.parse(status).orElse(null);
            if (status != null && !status.isBlank() && statusFilter == null) {
                problems.add(new ApiProblem.FieldProblem("status", "must be one of "
                        + Arrays.stream(DeliveryStatus.values()).map(DeliveryStatus::value).toList()));
            }
            NotificationKind kindFilter = kind == null || kind.isBlank() ? null : kindOf(kind);
            if (kind != null && !kind.isBlank() && kindFilter == null) {
                problems.add(new ApiProblem.FieldProblem("kind", "must be one of "
                        + Arrays.stream(NotificationKind.values()).map(DeliveryDocuments::kindValue).toList()));
            }
            return new Filters(page, statusFilter, kindFilter);
        }

        /** One page of what {@code fetch} returns (it fetches one row more than the page, to tell if more follow). */
        Page<DeliveryLogItem> page(Function<PageRequest, List<DeliveryLog.LogEntry>> fetch) {
            List<DeliveryLog.LogEntry> rows = fetch.apply(request);
            List<DeliveryLog.LogEntry> shown = rows.size() > request.limit() ? rows.subList(0, request.limit()) : rows;
            String next = rows.size() > request.limit() ? PageRequest.encode(shown.get(shown.size() - 1).logKey()) : null;
            return new Page<>(shown.stream().map(e -> DeliveryLogItem.of(e.delivery())).toList(), next);
        }

        private static NotificationKind kindOf(String value) {
            return Arrays.stream(NotificationKind.values()).filter(k -> DeliveryDocuments.kindValue(k).equals(value)).findFirst().orElse(null);
        }
    }
}

package io.roster.notification.log;

import io.roster.events.notification.NotificationKind;
import io.roster.kit.web.ApiProblem;
import io.roster.notification.access.OrganizationAccess;
import io.roster.notification.delivery.DeliveryStatus;
import io.roster.notification.delivery.DeliveryStore;
import io.roster.notification.web.Page;
import io.roster.notification.web.PageRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /api/v1/organizations/{orgId}/notifications}: the organization's delivery log, newest first,
 * optionally filtered by {@code status} and {@code kind}; for its admins and provider admins.
 */
@RestController
class DeliveryLogController {

    private final DeliveryStore deliveries;
    private final OrganizationAccess access;

    DeliveryLogController(DeliveryStore deliveries, OrganizationAccess access) {
        this.deliveries = deliveries;
        this.access = access;
    }

    @GetMapping("/api/v1/organizations/{organizationId}/notifications")
    Mono<Page<DeliveryLogItem>> log(@PathVariable UUID organizationId,
                                    @RequestParam(required = false) Integer limit,
                                    @RequestParam(required = false) String cursor,
                                    @RequestParam(required = false) String status,
                                    @RequestParam(required = false) String kind) {
        List<ApiProblem.FieldProblem> problems = new ArrayList<>();
        PageRequest page = PageRequest.of(limit, cursor, problems);
        DeliveryStatus statusFilter = status == null || status.isBlank() ? null : DeliveryStatus.parse(status).orElse(null);
        if (status != null && !status.isBlank() && statusFilter == null) {
            problems.add(new ApiProblem.FieldProblem("status", "must be one of "
                    + Arrays.stream(DeliveryStatus.values()).map(DeliveryStatus::value).toList()));
        }
        NotificationKind kindFilter = kind == null || kind.isBlank() ? null : kindOf(kind);
        if (kind != null && !kind.isBlank() && kindFilter == null) {
            problems.add(new ApiProblem.FieldProblem("kind", "must be one of "
                    + Arrays.stream(NotificationKind.values()).map(DeliveryStore::kindValue).toList()));
        }
        if (!problems.isEmpty()) {
            return Mono.error(ApiProblem.validation(problems));
        }
        return access.admin(organizationId).map(caller -> {
            List<DeliveryStore.LogEntry> rows = deliveries.page(organizationId, page.after(), page.fetchSize(), statusFilter, kindFilter);
            List<DeliveryStore.LogEntry> shown = rows.size() > page.limit() ? rows.subList(0, page.limit()) : rows;
            String next = rows.size() > page.limit() ? PageRequest.encode(shown.get(shown.size() - 1).logKey()) : null;
            return new Page<>(shown.stream().map(e -> DeliveryLogItem.of(e.delivery())).toList(), next);
        });
    }

    private static NotificationKind kindOf(String value) {
        return Arrays.stream(NotificationKind.values()).filter(k -> DeliveryStore.kindValue(k).equals(value)).findFirst().orElse(null);
    }
}

package io.roster.invitation.settings;

import com.fasterxml.jackson.databind.JsonNode;
import io.roster.kit.access.OrganizationAccess;
import io.roster.kit.web.ApiProblem;
import org.openapitools.jackson.nullable.JsonNullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.util.UUID;

/**
 * An organization's invitation settings, for its admins and provider admins: where its invitees go once they joined
 * ({@link AfterJoinUrls}) and how many hours before an invitation expires its invitee is reminded
 * ({@link ReminderSettings}). {@code PATCH} is a JSON merge patch: a field left out stays as it is;
 * {@code "afterJoinUrl": null} goes back to the service's default, {@code "reminderHoursBeforeExpiry": null} turns the
 * organization's reminders off.
 */
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/invitation-settings")
class InvitationSettingsController {

    private final OrganizationAccess access;
    private final AfterJoinUrls afterJoin;
    private final ReminderSettings reminders;
    private final ReminderWindowChanges reminderWindowChanges;

    InvitationSettingsController(OrganizationAccess access, AfterJoinUrls afterJoin, ReminderSettings reminders,
                                 ReminderWindowChanges reminderWindowChanges) {
        this.access = access;
        this.afterJoin = afterJoin;
        this.reminders = reminders;
        this.reminderWindowChanges = reminderWindowChanges;
    }

    @GetMapping
    Mono<Settings> get(@PathVariable UUID organizationId) {
        return access.admin(organizationId).map(caller -> settingsOf(organizationId));
    }

    @PatchMapping
    Mono<Settings> update(@PathVariable UUID organizationId, @RequestBody SettingsPatch patch) {
        return access.admin(organizationId).map(caller -> {
            String url = null;
            boolean urlGiven = patch.afterJoinUrl() != null && patch.afterJoinUrl().isPresent();
            if (urlGiven) {
                url = patch.afterJoinUrl().get();
                if (url != null && !AfterJoinUrls.isValid(url)) {
                    throw ApiProblem.invalidField("afterJoinUrl", "must be an absolute http(s) URL without a fragment, at most "
                            + AfterJoinUrls.MAX_LENGTH + " characters");
                }
            }
            boolean hoursGiven = patch.reminderHoursBeforeExpiry() != null && patch.reminderHoursBeforeExpiry().isPresent();
            Integer hours = hoursGiven ? reminderHours(patch.reminderHoursBeforeExpiry().get()) : null;
            // both fields checked before either is stored: a refused patch changes nothing
            if (urlGiven) {
                afterJoin.set(organizationId, url);
            }
            if (hoursGiven) {
                reminders.set(organizationId, hours);
                reminderWindowChanges.windowChanged(organizationId, hours);
            }
            return settingsOf(organizationId);
        });
    }

    /** A whole number of hours in range, or null (off); read from the JSON as it came, so 1.5 or "24" are refused. */
    private static Integer reminderHours(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || !ReminderSettings.isValid(value.intValue())) {
            throw ApiProblem.invalidField("reminderHoursBeforeExpiry", "must be a whole number of hours from "
                    + ReminderSettings.MIN_HOURS + " to " + ReminderSettings.MAX_HOURS + ", or null for no reminders");
        }
        return value.intValue();
    }

    private Settings settingsOf(UUID organizationId) {
        return new Settings(afterJoin.ofOrganization(organizationId).orElse(null), reminders.hoursOf(organizationId).orElse(null));
    }

    /**
     * The organization's settings: {@code afterJoinUrl} null where it uses the service's default;
     * {@code reminderHoursBeforeExpiry} the window in force (the service's default, 24, unless the admins chose), null
     * when its reminders are off.
     */
    record Settings(String afterJoinUrl,
                    @io.swagger.v3.oas.annotations.media.Schema(nullable = true, minimum = "1", maximum = "720")
                    Integer reminderHoursBeforeExpiry) {
    }

    /** Left out: unchanged; afterJoinUrl null: back to the service's default; reminderHoursBeforeExpiry null: off. */
    record SettingsPatch(
            @io.swagger.v3.oas.annotations.media.Schema(implementation = String.class, nullable = true, format = "uri")
            JsonNullable<String> afterJoinUrl,
            @io.swagger.v3.oas.annotations.media.Schema(implementation = Integer.class, nullable = true, minimum = "1",
                    maximum = "720", description = "hours before an invitation expires that its invitee is reminded, once; "
                    + "null: no reminders")
            JsonNullable<JsonNode> reminderHoursBeforeExpiry) {
    }
}

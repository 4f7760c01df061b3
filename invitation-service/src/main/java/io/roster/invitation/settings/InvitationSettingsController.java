package io.roster.invitation.settings;

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
 * ({@link AfterJoinUrls}). {@code PATCH} is a JSON merge patch: {@code "afterJoinUrl": null} goes back to the service's
 * default.
 */
@RestController
@RequestMapping("/api/v1/organizations/{organizationId}/invitation-settings")
class InvitationSettingsController {

    private final OrganizationAccess access;
    private final AfterJoinUrls afterJoin;

    InvitationSettingsController(OrganizationAccess access, AfterJoinUrls afterJoin) {
        this.access = access;
        this.afterJoin = afterJoin;
    }

    @GetMapping
    Mono<Settings> get(@PathVariable UUID organizationId) {
        return access.admin(organizationId).map(caller -> new Settings(afterJoin.ofOrganization(organizationId).orElse(null)));
    }

    @PatchMapping
    Mono<Settings> update(@PathVariable UUID organizationId, @RequestBody SettingsPatch patch) {
        return access.admin(organizationId).map(caller -> {
            if (patch.afterJoinUrl() != null && patch.afterJoinUrl().isPresent()) {
                String url = patch.afterJoinUrl().get();
                if (url != null && !AfterJoinUrls.isValid(url)) {
                    throw ApiProblem.invalidField("afterJoinUrl", "must be an absolute http(s) URL without a fragment, at most "
                            + AfterJoinUrls.MAX_LENGTH + " characters");
                }
                afterJoin.set(organizationId, url);
            }
            return new Settings(afterJoin.ofOrganization(organizationId).orElse(null));
        });
    }

    /** The organization's own settings; null where it uses the service's default. */
    record Settings(String afterJoinUrl) {
    }

    /** Left out: unchanged; null: back to the service's default. */
    record SettingsPatch(
            @io.swagger.v3.oas.annotations.media.Schema(implementation = String.class, nullable = true, format = "uri")
            JsonNullable<String> afterJoinUrl) {
    }
}

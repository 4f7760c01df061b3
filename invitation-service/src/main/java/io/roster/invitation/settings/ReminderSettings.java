package io.roster.invitation.settings;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import org.bson.Document;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * How long before an invitation expires its invitee gets the one reminder email (issue 17 item 6), per organization:
 * {@code reminderHoursBeforeExpiry} in the organization's document of {@code invitation-settings-v1} (next to
 * {@code afterJoinUrl}, {@link AfterJoinUrls}). The field left out means the service's default
 * {@code roster.invitation.reminder-hours-before-expiry} ({@code ROSTER_INVITATION_REMINDER_HOURS_BEFORE_EXPIRY}, 24);
 * stored as null it means no reminders for that organization.
 *
 * <p>The setting lives in the invitation service, not in the notification service's email settings, because the
 * invitation service owns an invitation's expiry and already acts on it with nobody asking (InvitationExpired): a
 * reminder is a fact about the invitation ({@code InvitationReminderSent}, recorded once by the aggregate even with two
 * instances racing), and the notification service only renders and sends its email.
 */
@Component
public class ReminderSettings {

    public static final int MIN_HOURS = 1;
    public static final int MAX_HOURS = 720;
    static final String FIELD = "reminderHoursBeforeExpiry";

    private final MongoCollection<Document> settings;
    private final int serviceDefault;

    ReminderSettings(MongoDatabase database,
                     @Value("${roster.invitation.reminder-hours-before-expiry:24}") int serviceDefault) {
        this.settings = database.getCollection("invitation-settings-v1");
        if (!isValid(serviceDefault)) {
            throw new IllegalArgumentException("roster.invitation.reminder-hours-before-expiry must be " + MIN_HOURS + ".."
                    + MAX_HOURS + ", not " + serviceDefault);
        }
        this.serviceDefault = serviceDefault;
    }

    public static boolean isValid(int hours) {
        return hours >= MIN_HOURS && hours <= MAX_HOURS;
    }

    /** The organization's reminder window in hours, the service's default unless its admins chose; empty: no reminders. */
    public Optional<Integer> hoursOf(UUID organizationId) {
        return Optional.ofNullable(hoursOf(java.util.List.of(organizationId)).get(organizationId));
    }

    /** Each organization's window (one query); an organization with reminders turned off is left out of the map. */
    public Map<UUID, Integer> hoursOf(Collection<UUID> organizationIds) {
        Map<UUID, Integer> hours = new HashMap<>();
        organizationIds.forEach(id -> hours.put(id, serviceDefault));
        if (organizationIds.isEmpty()) {
            return hours;
        }
        settings.find(Filters.in("_id", organizationIds.stream().map(UUID::toString).distinct().toList()))
                .forEach(d -> {
                    if (d.containsKey(FIELD)) {
                        UUID organizationId = UUID.fromString(d.getString("_id"));
                        Integer own = d.getInteger(FIELD);
                        if (own == null) {
                            hours.remove(organizationId);
                        } else {
                            hours.put(organizationId, own);
                        }
                    }
                });
        return hours;
    }

    /** Sets the organization's window, or (null) turns its reminders off; the caller checked who may and the range. */
    public void set(UUID organizationId, Integer hours) {
        if (hours != null && !isValid(hours)) {
            throw new IllegalArgumentException("reminderHoursBeforeExpiry out of range: " + hours);
        }
        settings.updateOne(Filters.eq("_id", organizationId.toString()), Updates.set(FIELD, hours), new UpdateOptions().upsert(true));
    }
}

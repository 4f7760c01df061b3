package io.roster.invitation.invitation;

import io.roster.invitation.settings.ReminderSettings;
import io.roster.invitation.settings.ReminderWindowChanges;
import io.roster.kit.command.Commands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Reminders as events, with nobody asking (issue 17 item 6): every few seconds the pending invitations whose reminder
 * is due get a {@link RemindInvitationCommand}, and the invitation records {@code InvitationReminderSent} once, which
 * the notification service turns into the email. As with {@link InvitationExpiry}, the due list lives in MongoDB (the
 * invitation lookup's {@code reminderDueAt}, indexed, read in batches), so a restart loses nothing, and two instances
 * racing let one event through.
 *
 * <p>The due instant is stored rather than worked out at read time: the sweep then reads only due invitations across
 * all organizations with one indexed query, whatever each organization's window; the price is rewriting an
 * organization's pending invitations when its admins change the window, which is rare, and done with one read and one
 * bulk write ({@link #windowChanged}). A stored instant that an edit or a change raced with is caught here: each due
 * invitation's instant is worked out again with its organization's window now, and one not due after all is only
 * rescheduled.
 */
@Component
class InvitationReminders implements ReminderWindowChanges {

    private static final Logger log = LoggerFactory.getLogger(InvitationReminders.class);
    private static final int BATCH = 200;

    private final InvitationLookup lookup;
    private final ReminderSettings settings;
    private final Commands commands;
    private final Clock clock;

    InvitationReminders(InvitationLookup lookup, ReminderSettings settings, Commands commands, Clock clock) {
        this.lookup = lookup;
        this.settings = settings;
        this.commands = commands;
        this.clock = clock;
    }

    @Scheduled(initialDelayString = "${roster.invitation.reminder-interval:PT5S}",
            fixedDelayString = "${roster.invitation.reminder-interval:PT5S}")
    void remindDue() {
        Instant now = clock.instant();
        List<InvitationLookup.ReminderCandidate> due = lookup.dueForReminder(now, BATCH);
        if (due.isEmpty()) {
            return;
        }
        Map<UUID, Integer> hours = settings.hoursOf(due.stream().map(InvitationLookup.ReminderCandidate::organizationId).distinct().toList());
        for (InvitationLookup.ReminderCandidate candidate : due) {
            Integer window = hours.get(candidate.organizationId());
            Instant dueAt = ReminderDue.atOrNull(candidate.lastSentAt(), candidate.expiresAt(), window);
            if (dueAt == null || dueAt.isAfter(now)) {
                lookup.rescheduleReminder(candidate.invitationId(), window);
                continue;
            }
            try {
                commands.sendAndWait(new RemindInvitationCommand(candidate.invitationId(), window));
            } catch (RuntimeException e) {
                // another instance reminded it first, or it was accepted, revoked, resent or edited meanwhile
                log.debug("Invitation {} not reminded: {}", candidate.invitationId(), e.getMessage());
            }
        }
    }

    @Override
    public void windowChanged(UUID organizationId, Integer hours) {
        int rewritten = lookup.rescheduleReminders(organizationId, hours);
        log.info("Organization {}'s reminder window is now {}: {} pending invitation(s) rescheduled", organizationId,
                hours == null ? "off" : hours + " h", rewritten);
    }
}

package io.roster.invitation.settings;

import java.util.UUID;

/**
 * Told when an organization's reminder window changed, after it is stored: the pending invitations' reminder due
 * instants, which the invitation lookup keeps for the reminder sweep, must follow it.
 */
public interface ReminderWindowChanges {

    /** @param hours the organization's window now, or null: its reminders are off */
    void windowChanged(UUID organizationId, Integer hours);
}

package io.roster.query.team;

import io.roster.events.identity.TeamCreated;

import java.util.List;

/**
 * Told right after new teams were written to {@code teams}, so read models that wait for a team (the rows of
 * invitations into a team created after them) can show it. Called again when an event is redelivered: implementations
 * must be idempotent.
 */
public interface TeamsCreatedListener {

    /** @param created the teams just written, in the order of their events */
    void teamsCreated(List<TeamCreated> created);
}

package io.roster.query.team;

import java.util.UUID;

/** A team as readers see it; memberCount counts its active members. */
public record TeamView(UUID teamId, String name, String description, long memberCount) {
}

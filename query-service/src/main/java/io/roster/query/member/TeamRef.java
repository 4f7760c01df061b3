package io.roster.query.member;

import java.util.UUID;

/** A team on a member row, with its current name (it follows TeamRenamed). */
public record TeamRef(UUID teamId, String name) {
}

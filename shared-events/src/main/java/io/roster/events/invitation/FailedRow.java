package io.roster.events.invitation;

/** One CSV row a bulk job skipped: its line number in the file, the address, a stable code and a detail. */
public record FailedRow(int line, String email, String code, String detail) {
}

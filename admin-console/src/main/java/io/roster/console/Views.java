package io.roster.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** The query API's rows as the templates read them (public: the templates' expressions call their methods). */
public final class Views {

    /** The organization roles of PRODUCT.md §3, in the order the forms offer them. */
    static final List<String> ROLES = List.of("admin", "billing-manager", "member");

    private Views() {}

    public record Organization(String organizationId, String name) {
        static Organization of(JsonNode row) {
            return new Organization(row.path("organizationId").asText(), row.path("name").asText());
        }
    }

    public record Team(String teamId, String name, long memberCount) {
        static Team of(JsonNode row) {
            return new Team(row.path("teamId").asText(), row.path("name").asText(), row.path("memberCount").asLong());
        }
    }

    /** A member row; a pending invitee has no user id yet. */
    public record Member(String userId, String email, String name, List<String> roles, List<String> teams, String status,
                         List<String> teamIds, String expiresAt) {
        static Member of(JsonNode row) {
            String name = (row.path("firstName").asText("") + " " + row.path("lastName").asText("")).strip();
            List<String> teams = new ArrayList<>();
            List<String> teamIds = new ArrayList<>();
            row.path("teams").forEach(team -> {
                teams.add(team.path("name").asText());
                teamIds.add(team.path("teamId").asText());
            });
            return new Member(row.path("userId").asText(""), row.path("email").asText(), name, texts(row.path("roles")),
                    teams, row.path("status").asText("active"), teamIds, row.path("expiresAt").asText(null));
        }

        /** The membership's last day (UTC), to fill the end-date field with. */
        public String endDate() {
            return EndOfDay.utcDate(expiresAt);
        }

        public boolean pending() {
            return "pending".equals(status);
        }

        public boolean admin() {
            return roles.contains("admin");
        }
    }

    /** A personal invitation as the pending-invitations table shows it; {@code expiresAt} is an ISO instant (UTC). */
    public record Invitation(String invitationId, String email, List<String> roles, String status, String expiresAt,
                             long resendCount, String lastSentAt, List<String> teamIds, Integer membershipDays,
                             String membershipExpiresAt) {
        static Invitation of(JsonNode row) {
            return new Invitation(row.path("invitationId").asText(), row.path("email").asText(), texts(row.path("roles")),
                    row.path("status").asText(), row.path("expiresAt").asText(null), row.path("resendCount").asLong(),
                    row.path("lastSentAt").asText(null), texts(row.path("teamIds")), days(row.path("membershipDays")),
                    row.path("membershipExpiresAt").asText(null));
        }

        /** The membership the invitation grants: its days from joining, its last day, or no end. */
        public String membershipTerm() {
            return MembershipTermForm.describe(membershipDays, membershipExpiresAt);
        }

        /** The membership's last day (UTC) to fill the edit form's date field with; empty when it has none. */
        public String membershipEndDate() {
            return EndOfDay.utcDate(membershipExpiresAt);
        }

        /** Only a pending invitation can be edited (PATCH); the others are history. */
        public boolean editable() {
            return "pending".equals(status);
        }

        /** A resend rotates the token and extends the expiry: it revives an expired invitation too. */
        public boolean resendable() {
            return "pending".equals(status) || "expired".equals(status);
        }

        public boolean revocable() {
            return "pending".equals(status);
        }
    }

    /**
     * An invitation link. Its audience: no address is public, only {@code *@domain} patterns is a domain, otherwise
     * the listed addresses (domain patterns among them allowed).
     */
    public record Link(String linkId, String name, List<String> emails, String expiresAt, Long quota, long used,
                       List<String> roles, String status, List<String> teamIds, Integer membershipDays,
                       String membershipExpiresAt) {
        static Link of(JsonNode row) {
            JsonNode quota = row.path("quota");
            return new Link(row.path("linkId").asText(), row.path("name").asText(), texts(row.path("emails")),
                    row.path("expiresAt").asText(null), quota.isNumber() ? quota.asLong() : null, row.path("used").asLong(),
                    texts(row.path("roles")), row.path("status").asText("enabled"), texts(row.path("teamIds")),
                    days(row.path("membershipDays")), row.path("membershipExpiresAt").asText(null));
        }

        /** The membership the link grants: its days from joining, its last day, or no end. */
        public String membershipTerm() {
            return MembershipTermForm.describe(membershipDays, membershipExpiresAt);
        }

        /** The membership's last day (UTC) to fill the edit form's date field with; empty when it has none. */
        public String membershipEndDate() {
            return EndOfDay.utcDate(membershipExpiresAt);
        }

        public String audienceKind() {
            if (emails.isEmpty()) {
                return "public";
            }
            return emails.stream().allMatch(email -> email.startsWith("*@")) ? "domain" : "addresses";
        }

        public String audience() {
            return switch (audienceKind()) {
                case "public" -> "public: anyone with the link";
                case "domain" -> "domain: " + String.join(", ", emails.stream().map(email -> email.substring(2)).toList());
                default -> emails.size() + (emails.size() == 1 ? " address: " : " addresses: ") + String.join(", ", emails);
            };
        }

        public String usage() {
            return used + " / " + (quota == null ? "unlimited" : quota);
        }

        public boolean enabled() {
            return "enabled".equals(status);
        }

        /** The audience as the edit form's text area holds it: one address or pattern a line. */
        public String emailLines() {
            return String.join("\n", emails);
        }

        /** The last day the link works (UTC), to fill the edit form's date field with; empty when it never expires. */
        public String endDate() {
            return EndOfDay.utcDate(expiresAt);
        }
    }

    /** A refusal of a change made in one row of a table: the row's id, and what the API (or the console) said. */
    public record RowProblem(String id, ApiProblem problem) {
        public boolean isFor(String rowId) {
            return id.equals(rowId);
        }

        /** The message of one field (the quota, say), for the line beside that field; null when it has none. */
        public String field(String name) {
            return problem.fieldErrors().get(name);
        }
    }

    /** One invitation of a bulk resend's report: resent (with its new expiry) or not, and why not. */
    public record ResendOutcome(String invitationId, String email, boolean resent, String code, String message,
                                String expiresAt) {}

    /** One line of an invitation's result: the address and what became of it. */
    public record Outcome(String email, boolean invited, String code, String message, String expiresAt) {}

    /** A row of a bulk CSV file the invitation service skipped: its line in the file (the header is line 1) and why. */
    public record SkippedRow(int line, String email, String code, String detail) implements java.io.Serializable {
        static SkippedRow of(JsonNode row) {
            return new SkippedRow(row.path("line").asInt(), row.path("email").asText(""), row.path("code").asText(""),
                    row.path("detail").asText(""));
        }
    }

    /** One email of the delivery log; {@code lastError} is the SMTP server's last answer when an attempt failed. */
    public record Delivery(String notificationId, String kind, String status, String recipient, int attempts,
                           String lastError, String createdAt, String sentAt, String nextAttemptAt) {
        static Delivery of(JsonNode row) {
            return new Delivery(row.path("notificationId").asText(), row.path("kind").asText(""), row.path("status").asText(""),
                    row.path("recipient").asText(null), row.path("attempts").asInt(), row.path("lastError").asText(null),
                    row.path("createdAt").asText(null), row.path("sentAt").asText(null), row.path("nextAttemptAt").asText(null));
        }
    }

    /**
     * An organization's own SMTP settings as the API answers them: never the password, only whether one is set.
     * {@code own} is false when the organization sends through the platform's server (the API's 404).
     */
    public record EmailSettings(boolean own, String host, String port, String tlsMode, String username, boolean passwordSet,
                                String senderAddress, String senderName, String updatedAt) {
        static final EmailSettings PLATFORM = new EmailSettings(false, "", "", "starttls", "", false, "", "", null);

        static EmailSettings of(JsonNode body) {
            return new EmailSettings(true, body.path("host").asText(""), body.path("port").asText(""),
                    body.path("tlsMode").asText("starttls").toLowerCase(java.util.Locale.ROOT), body.path("username").asText(""),
                    body.path("passwordSet").asBoolean(), body.path("senderAddress").asText(""), body.path("senderName").asText(""),
                    body.path("updatedAt").asText(null));
        }
    }

    /** One event of the audit timeline: when, what, who (an email when the actor is a known member), and its JSON. */
    public record AuditEvent(String occurredAt, String name, String actorId, String actor, String aggregateId,
                             String eventId, String payload) {
        static AuditEvent of(JsonNode row, java.util.Map<String, String> emailsById) {
            String actorId = row.path("actorId").asText(null);
            String actor = actorId == null ? "system" : emailsById.getOrDefault(actorId, actorId);
            JsonNode payload = row.path("payload");
            return new AuditEvent(row.path("occurredAt").asText(), row.path("name").asText(), actorId, actor,
                    row.path("aggregateId").asText(""), row.path("eventId").asText(), payload.isMissingNode() ? "" : payload.toString());
        }
    }

    /** A membership's days as the API lists them: null when it has none. */
    static Integer days(JsonNode value) {
        return value.isNumber() ? value.asInt() : null;
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}

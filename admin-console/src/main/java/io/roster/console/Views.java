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
    public record Member(String userId, String email, String name, List<String> roles, List<String> teams, String status) {
        static Member of(JsonNode row) {
            String name = (row.path("firstName").asText("") + " " + row.path("lastName").asText("")).strip();
            List<String> teams = new ArrayList<>();
            row.path("teams").forEach(team -> teams.add(team.path("name").asText()));
            return new Member(row.path("userId").asText(""), row.path("email").asText(), name, texts(row.path("roles")),
                    teams, row.path("status").asText("active"));
        }

        public boolean pending() {
            return "pending".equals(status);
        }

        public boolean admin() {
            return roles.contains("admin");
        }
    }

    /** One line of an invitation's result: the address and what became of it. */
    public record Outcome(String email, boolean invited, String code, String message, String expiresAt) {}

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}

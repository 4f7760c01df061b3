package io.roster.query.member;

import io.roster.events.EventEnvelope;
import io.roster.query.EventLog;
import io.roster.query.ProjectionHarness;
import io.roster.query.web.KeysetCursor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The member list's filters and keyset pages, on the real query over a real MongoDB-wire server. */
class MemberQueryTest {

    private final ProjectionHarness harness = new ProjectionHarness();
    private final EventLog log = new EventLog();
    private final UUID org = UUID.randomUUID();
    private final UUID platform = UUID.randomUUID();
    private MemberQuery query;

    @BeforeEach
    void organization() {
        query = harness.bean(MemberQuery.class);
        apply(log.organizationCreated(org, "Acme"), log.teamCreated(org, platform, "Platform"));
        member("Ann", "Lee", "ann.lee@example.io", "admin", platform);
        member("Anders", "Berg", "ab@example.io", "member");
        member("Joan", "Annand", "joan@example.io", "billing-manager", platform);
        member("Bob", "Stone", "Bob.Stone@Example.io", "member");
        member("Cy", "Dot", "a.c@example.io", "member");
    }

    @AfterEach
    void stop() {
        harness.close();
    }

    @Test
    void qIsACaseInsensitivePrefixOfEitherNameTheFullNameOrTheEmail() {
        assertThat(emails(filter("an", null, null))).containsExactly("ab@example.io", "ann.lee@example.io", "joan@example.io");
        assertThat(emails(filter("ANN", null, null))).containsExactly("ann.lee@example.io", "joan@example.io");
        assertThat(emails(filter("bob.s", null, null))).containsExactly("Bob.Stone@Example.io");
        assertThat(emails(filter("ann l", null, null))).containsExactly("ann.lee@example.io");
        // not a substring: "oan" is inside "joan" but starts nothing
        assertThat(emails(filter("oan", null, null))).isEmpty();
    }

    @Test
    void qMatchesItselfLiterallyNotAsAPattern() {
        assertThat(emails(filter("a.c", null, null))).containsExactly("a.c@example.io");
        assertThat(emails(filter("a.", null, null))).containsExactly("a.c@example.io");
        assertThat(emails(filter(".*", null, null))).isEmpty();
        assertThat(emails(filter("(", null, null))).isEmpty();
        assertThat(emails(filter("\\", null, null))).isEmpty();
        assertThat(emails(filter("[a-z]+", null, null))).isEmpty();
    }

    @Test
    void roleTeamAndStatusFilterAndCombine() {
        assertThat(emails(filter(null, "member", null))).containsExactly("a.c@example.io", "ab@example.io", "Bob.Stone@Example.io");
        assertThat(emails(filter(null, null, platform))).containsExactly("ann.lee@example.io", "joan@example.io");
        assertThat(emails(filter("jo", null, platform))).containsExactly("joan@example.io");
        assertThat(emails(filter(null, "admin", platform))).containsExactly("ann.lee@example.io");
        assertThat(emails(new MemberFilter(org, null, null, null, MemberStatus.ACTIVE, null))).hasSize(5);
        assertThat(emails(new MemberFilter(org, null, null, null, MemberStatus.PENDING, null))).isEmpty();
        assertThat(emails(new MemberFilter(UUID.randomUUID(), null, null, null, null, null))).isEmpty();
    }

    @Test
    void pagesStartStrictlyAfterTheCursorWhateverHappensBeforeIt() {
        List<MemberRow> first = query.page(MemberFilter.of(org), 2);
        assertThat(first).extracting(MemberRow::email).containsExactly("a.c@example.io", "ab@example.io");

        // before the cursor: one member leaves, one joins with an email that sorts first
        apply(log.memberRemoved(org, first.get(0).userId()));
        member("Aaron", "Aa", "aaron@example.io", "member");
        KeysetCursor cursor = KeysetCursor.parse(first.get(1).cursor()).orElseThrow();
        List<MemberRow> second = query.page(new MemberFilter(org, null, null, null, null, cursor), 2);

        assertThat(second).extracting(MemberRow::email).containsExactly("ann.lee@example.io", "Bob.Stone@Example.io");
    }

    private MemberFilter filter(String q, String role, UUID team) {
        return new MemberFilter(org, q == null ? null : q.toLowerCase(Locale.ROOT), role, team, null, null);
    }

    private List<String> emails(MemberFilter filter) {
        return query.page(filter, 50).stream().map(MemberRow::email).toList();
    }

    private void member(String first, String last, String email, String role, UUID... teams) {
        UUID user = UUID.randomUUID();
        apply(log.userRegistered(user, email, first, last), log.memberAdded(org, user, List.of(role), teams));
    }

    private void apply(EventEnvelope... events) {
        for (EventEnvelope event : events) {
            harness.apply(event);
        }
    }
}

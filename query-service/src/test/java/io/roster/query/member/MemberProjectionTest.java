package io.roster.query.member;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.roster.events.EncryptedSecret;
import io.roster.events.EventEnvelope;
import io.roster.events.invitation.InvitationIssued;
import io.roster.query.EventLog;
import io.roster.query.ProjectionHarness;
import io.roster.query.consumer.ProjectionCollections;
import io.roster.query.team.TeamMembers;
import io.roster.query.team.TeamStore;
import io.roster.query.user.UserProfile;
import io.roster.query.user.UserStore;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Member rows from identity events, over a real MongoDB-wire server, in every order Kafka may deliver them. */
class MemberProjectionTest {

    private final List<ProjectionHarness> harnesses = new ArrayList<>();
    private final EventLog log = new EventLog();
    private final UUID org = UUID.randomUUID();
    private final UUID ann = UUID.randomUUID();

    @AfterEach
    void stop() {
        harnesses.forEach(ProjectionHarness::close);
    }

    @Test
    void theProfileAndTheMembershipMeetInTheSameRowWhicheverArrivesFirst() {
        UUID team = UUID.randomUUID();
        EventEnvelope created = log.organizationCreated(org, "Acme");
        EventEnvelope teamCreated = log.teamCreated(org, team, "Platform");
        EventEnvelope registered = log.userRegistered(ann, "Ann.Lee@Example.io", "Ann", "Lee");
        EventEnvelope added = log.memberAdded(org, ann, List.of("admin"), team);
        EventEnvelope renamed = log.profileUpdated(ann, "Annie", "Lee-Smith");

        List<Document> userFirst = rowsAfter(created, teamCreated, registered, renamed, added);
        List<Document> membershipFirst = rowsAfter(created, teamCreated, added, registered, renamed);
        List<Document> interleaved = rowsAfter(created, teamCreated, registered, added, renamed);

        assertThat(userFirst).hasSize(1);
        assertThat(userFirst.get(0))
                .containsEntry("email", "Ann.Lee@Example.io")
                .containsEntry("emailLower", "ann.lee@example.io")
                .containsEntry("firstName", "Annie")
                .containsEntry("lastName", "Lee-Smith")
                .containsEntry("roles", List.of("admin"))
                .containsEntry("teams", List.of(new Document("teamId", team.toString()).append("name", "Platform")))
                .containsEntry("searchTerms", List.of("ann.lee@example.io", "annie", "lee-smith", "annie lee-smith"))
                .containsEntry("profileVersion", 1L);
        assertThat(membershipFirst).isEqualTo(userFirst);
        assertThat(interleaved).isEqualTo(userFirst);
    }

    @Test
    void aProfileChangeReachesEveryRowOfTheUserAndAnOlderProfileNeverWins() {
        ProjectionHarness harness = harness();
        UUID otherOrg = UUID.randomUUID();
        EventEnvelope registered = log.userRegistered(ann, "ann@example.io", "Ann", "Lee");
        apply(harness, log.organizationCreated(org, "Acme"), log.organizationCreated(otherOrg, "Globex"),
                registered, log.memberAdded(org, ann, List.of("member")), log.memberAdded(otherOrg, ann, List.of("admin")),
                log.profileUpdated(ann, "Annie", "Lee"));

        // the first event again, straight to the projections, as after a crash before it was recorded
        harness.applyAgain(registered);

        assertThat(rows(harness)).extracting(d -> d.getString("firstName")).containsExactly("Annie", "Annie");
        assertThat(harness.bean(UserStore.class).find(ann)).hasValueSatisfying(p -> assertThat(p.firstName()).isEqualTo("Annie"));
    }

    @Test
    void anInvitationAppliedBeforeItsTeamGetsTheTeamOnItsRowWhenTheTeamArrives() {
        ProjectionHarness harness = harness();
        UUID design = UUID.randomUUID();
        UUID ops = UUID.randomUUID();
        UUID invitationId = UUID.randomUUID();
        // the invitation topic ahead of the identity topic: Design is known, Ops not yet
        apply(harness, log.organizationCreated(org, "Acme"), log.teamCreated(org, design, "Design"));
        apply(harness, log.next(new InvitationIssued(UUID.randomUUID(), Instant.now(), org, ann, invitationId, "zoe@example.io",
                "Zoe", "Ziegler", List.of("member"), List.of(ops, design), Instant.now().plusSeconds(3600), "a".repeat(64),
                new EncryptedSecret("k", "c2VhbGVk"), null)));
        assertThat(pendingTeamNames(harness)).containsExactly("Design");

        apply(harness, log.teamCreated(org, ops, "Ops"));
        assertThat(pendingTeamNames(harness)).containsExactly("Ops", "Design");
        // listed on the team now, so a rename reaches the row
        apply(harness, log.teamRenamed(org, ops, "Operations"));
        assertThat(pendingTeamNames(harness)).containsExactly("Operations", "Design");
    }

    private static List<String> pendingTeamNames(ProjectionHarness harness) {
        return teamNamesOfRow(harness, Filters.eq("status", "pending"));
    }

    @Test
    void teamNamesFollowRenamesDeletedTeamsLeaveTheRowsAndCountsFollowTheMembers() {
        ProjectionHarness harness = harness();
        UUID bob = UUID.randomUUID();
        UUID platform = UUID.randomUUID();
        UUID billing = UUID.randomUUID();
        apply(harness, log.organizationCreated(org, "Acme"), log.teamCreated(org, platform, "Platform"),
                log.teamCreated(org, billing, "Billing"),
                log.memberAdded(org, ann, List.of("admin"), platform),
                log.memberAdded(org, bob, List.of("member"), platform, billing));
        assertThat(memberCounts(harness)).containsEntry("Platform", 2L).containsEntry("Billing", 1L);

        apply(harness, log.teamRenamed(org, platform, "Core"));
        assertThat(teamNamesOf(harness, bob)).containsExactly("Core", "Billing");

        apply(harness, log.teamsChanged(org, bob, billing), log.memberRemoved(org, ann));
        assertThat(memberCounts(harness)).containsEntry("Core", 0L).containsEntry("Billing", 1L);

        apply(harness, log.teamDeleted(org, billing));
        assertThat(teamNamesOf(harness, bob)).isEmpty();
        assertThat(rows(harness).get(0).getList("teamIds", String.class)).isEmpty();
        assertThat(memberCounts(harness)).containsOnlyKeys("Core");
    }

    @Test
    void everyEventAppliedASecondTimeChangesNothing() {
        ProjectionHarness harness = harness();
        UUID bob = UUID.randomUUID();
        UUID team = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        List<EventEnvelope> history = List.of(
                log.organizationCreated(org, "Acme"), log.teamCreated(org, team, "Platform"), log.teamCreated(org, other, "Ops"),
                log.userRegistered(ann, "ann@example.io", "Ann", "Lee"),
                log.memberAdded(org, ann, List.of("admin"), team), log.memberAdded(org, bob, List.of("member"), team),
                log.userRegistered(bob, "bob@example.io", "Bob", "Stone"),
                log.profileUpdated(ann, "Annie", "Lee"), log.rolesChanged(org, bob, List.of("billing-manager")),
                log.teamsChanged(org, bob, other), log.teamRenamed(org, team, "Core"),
                log.memberRemoved(org, ann), log.teamDeleted(org, other), log.userDeleted(ann, "ann@example.io"));

        for (EventEnvelope event : history) {
            assertThat(harness.apply(event)).isTrue();
            Map<String, List<Document>> once = snapshot(harness);
            harness.applyAgain(event);
            assertThat(snapshot(harness)).as("after %s twice", event.type().name()).isEqualTo(once);
            assertThat(harness.apply(event)).as("the applier skips %s", event.type().name()).isFalse();
        }
        assertThat(rows(harness)).singleElement().satisfies(row -> assertThat(row)
                .containsEntry("roles", List.of("billing-manager")).containsEntry("teams", List.of())
                .containsEntry("firstName", "Bob"));
    }

    @Test
    void anEndDateIsOnTheRowFollowsItsChangesAndAnExpiredMemberLeavesLikeARemovedOne() {
        ProjectionHarness harness = harness();
        UUID bob = UUID.randomUUID();
        UUID team = UUID.randomUUID();
        Instant end = Instant.parse("2027-01-31T12:00:00Z");
        Instant later = Instant.parse("2027-06-30T12:00:00Z");
        apply(harness, log.organizationCreated(org, "Acme"), log.teamCreated(org, team, "Platform"),
                log.userRegistered(ann, "ann@example.io", "Ann", "Lee"), log.memberAdded(org, ann, List.of("admin"), team),
                log.memberAddedUntil(org, bob, end, List.of("member"), team));
        assertThat(rows(harness)).extracting(d -> d.getString("userId"), d -> d.getDate("expiresAt"))
                .containsExactlyInAnyOrder(tuple(ann.toString(), null),
                        tuple(bob.toString(), java.util.Date.from(end)));
        assertThat(memberCounts(harness)).containsEntry("Platform", 2L);

        apply(harness, log.expiryChanged(org, bob, later, end));
        assertThat(expiryOf(harness, bob)).isEqualTo(java.util.Date.from(later));
        apply(harness, log.expiryChanged(org, bob, null, later));
        assertThat(expiryOf(harness, bob)).isNull();

        EventEnvelope expired = log.memberExpired(org, bob, later);
        apply(harness, expired);
        Map<String, List<Document>> once = snapshot(harness);
        harness.applyAgain(expired);
        assertThat(snapshot(harness)).as("MemberExpired applied twice").isEqualTo(once);
        assertThat(rows(harness)).extracting(d -> d.getString("userId")).containsExactly(ann.toString());
        assertThat(memberCounts(harness)).containsEntry("Platform", 1L);
        assertThat(harness.collection("memberships").find(Filters.eq("userId", bob.toString())).first()).as("bob's membership").isNull();
        Document bobsUser = harness.collection(UserStore.COLLECTION).find(Filters.eq("_id", bob.toString())).first();
        assertThat(bobsUser == null ? List.of() : bobsUser.getList("memberRows", String.class, List.of())).as("bob's member rows").isEmpty();
    }

    private static java.util.Date expiryOf(ProjectionHarness harness, UUID user) {
        return harness.collection(MemberRows.COLLECTION).find(Filters.eq("userId", user.toString())).first().getDate("expiresAt");
    }

    /**
     * The user's partition may run at any moment of a MemberAdded on the organization's partition. These
     * put it at the two moments that matter: before the row exists, and between reading the profile and
     * copying it.
     */
    @Test
    void aProfileChangeInTheMiddleOfAMemberAddedStillEndsInTheRow() {
        ProjectionHarness harness = harness();
        harness.apply(log.organizationCreated(org, "Acme"));
        harness.apply(log.userRegistered(ann, "ann@example.io", "Ann", "Lee"));
        UUID bob = UUID.randomUUID();
        harness.apply(log.userRegistered(bob, "bob@example.io", "Bob", "Stone"));

        InterleavingRows rows = new InterleavingRows(harness);
        MemberProjection projection = new MemberProjection(rows, harness.bean(HeldInvitations.class), harness.bean(UserStore.class),
                harness.bean(TeamStore.class),
                harness.bean(TeamMembers.class));
        rows.beforeJoin = () -> harness.apply(log.profileUpdated(ann, "Annie", "Lee"));
        projection.apply(log.memberAdded(org, ann, List.of("member")));
        rows.beforeCopy = () -> harness.apply(log.profileUpdated(bob, "Robert", "Stone"));
        projection.apply(log.memberAdded(org, bob, List.of("member")));

        assertThat(rows(harness)).extracting(d -> d.getString("firstName")).containsExactlyInAnyOrder("Annie", "Robert");
    }

    /** Runs the other partition's work once, right before its next join or profile copy. */
    private static final class InterleavingRows extends MemberRows {
        private static final Runnable NOTHING = () -> { };
        Runnable beforeJoin = NOTHING;
        Runnable beforeCopy = NOTHING;

        InterleavingRows(ProjectionHarness harness) {
            super(harness.bean(ProjectionCollections.class));
        }

        @Override
        void join(UUID organizationId, UUID userId, List<String> roles, List<TeamRef> teams, Instant joinedAt, Instant expiresAt) {
            Runnable work = beforeJoin;
            beforeJoin = NOTHING;
            work.run();
            super.join(organizationId, userId, roles, teams, joinedAt, expiresAt);
        }

        @Override
        boolean copyProfile(UUID organizationId, UserProfile profile) {
            Runnable work = beforeCopy;
            beforeCopy = NOTHING;
            work.run();
            return super.copyProfile(organizationId, profile);
        }
    }

    private List<Document> rowsAfter(EventEnvelope... events) {
        ProjectionHarness harness = harness();
        apply(harness, events);
        return rows(harness);
    }

    private ProjectionHarness harness() {
        ProjectionHarness harness = new ProjectionHarness();
        harnesses.add(harness);
        return harness;
    }

    private static void apply(ProjectionHarness harness, EventEnvelope... events) {
        for (EventEnvelope event : events) {
            assertThat(harness.apply(event)).as("%s is new", event.type().name()).isTrue();
        }
    }

    private static List<Document> rows(ProjectionHarness harness) {
        return harness.collection(MemberRows.COLLECTION).find().sort(Sorts.ascending("_id")).into(new ArrayList<>());
    }

    private static List<String> teamNamesOf(ProjectionHarness harness, UUID user) {
        return teamNamesOfRow(harness, Filters.eq("userId", user.toString()));
    }

    private static List<String> teamNamesOfRow(ProjectionHarness harness, org.bson.conversions.Bson filter) {
        Document row = harness.collection(MemberRows.COLLECTION).find(filter).first();
        assertThat(row).isNotNull();
        return row.getList("teams", Document.class).stream().map(t -> t.getString("name")).toList();
    }

    private static Map<String, Long> memberCounts(ProjectionHarness harness) {
        Map<String, Long> counts = new java.util.HashMap<>();
        harness.collection(TeamStore.COLLECTION).find()
                .forEach(d -> counts.put(d.getString("name"), d.get("memberCount", Number.class).longValue()));
        return counts;
    }

    private static Map<String, List<Document>> snapshot(ProjectionHarness harness) {
        Map<String, List<Document>> collections = new java.util.TreeMap<>();
        for (String name : harness.database().listCollectionNames()) {
            if (!name.startsWith("applied-sequences")) {
                collections.put(name, harness.database().getCollection(name).find().sort(Sorts.ascending("_id")).into(new ArrayList<>()));
            }
        }
        return collections;
    }
}

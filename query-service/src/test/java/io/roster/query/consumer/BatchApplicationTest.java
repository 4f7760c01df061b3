package io.roster.query.consumer;

import com.mongodb.client.model.Sorts;
import io.roster.events.EncryptedSecret;
import io.roster.events.EventEnvelope;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.events.notification.NotificationKind;
import io.roster.events.notification.NotificationSent;
import io.roster.query.EventLog;
import io.roster.query.ProjectionHarness;
import io.roster.query.organization.MembershipProjection;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Events applied as one batch, as the consumer takes a poll: the read models end exactly as with the same events
 * applied one at a time, and the writes held to the batch's end ({@link EventBatch}) go out as one bulk write.
 */
class BatchApplicationTest {

    private final List<ProjectionHarness> harnesses = new ArrayList<>();
    private final EventLog log = new EventLog();
    private final Random random = new Random(7);

    @AfterEach
    void stop() {
        harnesses.forEach(ProjectionHarness::close);
    }

    @Test
    void aHistoryAppliedAsOneBatchEndsExactlyAsAppliedOneEventAtATime() {
        List<EventEnvelope> history = history();
        ProjectionHarness oneAtATime = harness();
        history.forEach(oneAtATime::apply);
        ProjectionHarness oneBatch = harness();

        int applied = oneBatch.bean(EventApplier.class).apply(history);

        assertThat(applied).isEqualTo(history.size());
        Map<String, List<Document>> expected = everything(oneAtATime);
        assertThat(expected.get("members-v1")).as("the history made member rows").hasSizeGreaterThan(20);
        assertThat(everything(oneBatch)).isEqualTo(expected);
        // and again: a redelivered batch changes nothing
        assertThat(oneBatch.bean(EventApplier.class).apply(history)).isZero();
        assertThat(everything(oneBatch)).isEqualTo(expected);
    }

    @Test
    void theMembershipsOfABatchAreOneBulkWriteAtItsEnd() {
        UUID organization = UUID.randomUUID();
        List<EventEnvelope> batch = new ArrayList<>();
        batch.add(log.organizationCreated(organization, "Acme"));
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID user = UUID.randomUUID();
            users.add(user);
            batch.add(log.memberAdded(organization, user, List.of("member")));
        }
        users.forEach(user -> batch.add(log.rolesChanged(organization, user, List.of("admin"))));
        ProjectionHarness harness = harness();
        int before = harness.commands().size();

        harness.bean(EventApplier.class).apply(batch);

        List<String> sent = harness.commands().subList(before, harness.commands().size());
        assertThat(sent.stream().filter(command -> command.endsWith(" memberships-v1")))
                .as("20 memberships added, then changed: a round of the 20 replacements, a round of the 20 updates, "
                        + "not one command per event: %s", sent)
                .containsExactly("update memberships-v1", "update memberships-v1");
        MembershipProjection memberships = harness.bean(MembershipProjection.class);
        assertThat(users).allSatisfy(user -> assertThat(memberships.roles(organization, user)).contains(List.of("admin")));
    }

    @Test
    void aCrowdsJoinsAreAFewBulkWritesAndEachRowShowsItsUsersProfile() {
        UUID organization = UUID.randomUUID();
        EventEnvelope created = log.organizationCreated(organization, "Crowded");
        List<EventEnvelope> registrations = new ArrayList<>();
        List<EventEnvelope> joins = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID user = UUID.randomUUID();
            registrations.add(log.userRegistered(user, "crowd" + i + "@example.io", "Crowd" + i, "Member"));
            joins.add(log.memberAdded(organization, user, List.of("member")));
        }
        ProjectionHarness harness = harness();
        harness.bean(EventApplier.class).apply(List.of(created));
        harness.bean(EventApplier.class).apply(registrations);
        int before = harness.commands().size();

        harness.bean(EventApplier.class).apply(joins);

        List<String> sent = harness.commands().subList(before, harness.commands().size());
        assertThat(sent.stream().filter(command -> command.endsWith(" members-v1") || command.endsWith(" users-v1")))
                .as("20 joins: the rows, the users' lists and their profiles, the profiles onto the rows; not 3 round trips each: %s", sent)
                .containsExactly("update members-v1", "update users-v1", "find users-v1", "update members-v1");
        for (int i = 0; i < 20; i++) {
            UUID user = ((io.roster.events.identity.MemberAdded) joins.get(i).event()).userId();
            Document row = harness.collection("members").find(new Document("_id", organization + ":" + user)).first();
            assertThat(row).as("row of %s", user).isNotNull();
            assertThat(row.getString("status")).isEqualTo("active");
            assertThat(row.getString("email")).isEqualTo("crowd" + i + "@example.io");
        }
    }

    @Test
    void aCrowdRegisteringAndJoiningInOneBatchIsAFewCommandsAndEveryRowShowsItsUsersLatestProfile() {
        UUID organization = UUID.randomUUID();
        ProjectionHarness harness = harness();
        harness.bean(EventApplier.class).apply(List.of(log.organizationCreated(organization, "Crowded")));
        List<EventEnvelope> batch = new ArrayList<>();
        List<UUID> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID user = UUID.randomUUID();
            users.add(user);
            batch.add(log.userRegistered(user, "crowd" + i + "@example.io", "Crowd" + i, "Member"));
            batch.add(log.memberAdded(organization, user, List.of("member")));
        }
        batch.add(log.profileUpdated(users.get(3), "Renamed", "Member"));
        int before = harness.commands().size();

        harness.bean(EventApplier.class).apply(batch);

        List<String> sent = harness.commands().subList(before, harness.commands().size());
        assertThat(sent.stream().filter(command -> command.endsWith(" users-v1")))
                .as("21 user events: the stored versions, the profiles, the rows showing them (none yet); then the 20 joins "
                        + "list their rows and read the profiles; not a read and a write per event: %s", sent)
                .containsExactly("find users-v1", "update users-v1", "find users-v1", "update users-v1", "find users-v1");
        for (int i = 0; i < 20; i++) {
            Document row = harness.collection("members").find(new Document("_id", organization + ":" + users.get(i))).first();
            assertThat(row.getString("email")).as("row %d", i).isEqualTo("crowd" + i + "@example.io");
            assertThat(row.getString("firstName")).as("row %d", i).isEqualTo(i == 3 ? "Renamed" : "Crowd" + i);
        }
    }

    @Test
    void aBulkUploadsInvitationsIntoTeamsAreAFewBulkWrites() {
        UUID organization = UUID.randomUUID();
        UUID admins = UUID.randomUUID();
        UUID support = UUID.randomUUID();
        ProjectionHarness harness = harness();
        harness.bean(EventApplier.class).apply(List.of(log.organizationCreated(organization, "Uploading"),
                log.teamCreated(organization, admins, "Admins"), log.teamCreated(organization, support, "Support")));
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        List<EventEnvelope> upload = new ArrayList<>();
        List<String> supportRows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID invitation = UUID.randomUUID();
            List<UUID> teams = i % 3 == 0 ? List.of() : i % 3 == 1 ? List.of(support) : List.of(support, admins);
            if (teams.contains(support)) {
                supportRows.add(organization + ":invitation:" + invitation);
            }
            upload.add(log.next(new InvitationIssued(UUID.randomUUID(), now, organization, UUID.randomUUID(), invitation,
                    "row" + i + "@example.io", "Row", "No " + i, List.of("member"), teams, now.plus(Duration.ofDays(7)),
                    "hash-" + invitation, new EncryptedSecret("k", "c2VhbGVk"), null)));
        }
        int before = harness.commands().size();

        harness.bean(EventApplier.class).apply(upload);

        List<String> sent = harness.commands().subList(before, harness.commands().size());
        assertThat(sent.stream().filter(command -> command.endsWith(" members-v1") || command.endsWith(" teams-v1")))
                .as("20 invitations, 13 into teams: the teams' names, the rows, the teams' lists; not 3 round trips each: %s", sent)
                .containsExactly("find teams-v1", "update members-v1", "update teams-v1");
        Document supportTeam = harness.collection("teams").find(new Document("_id", support.toString())).first();
        assertThat(supportTeam.getList("memberRows", String.class)).containsExactlyElementsOf(supportRows);
        Document row = harness.collection("members").find(new Document("_id", supportRows.get(1))).first();
        assertThat(row.getList("teams", Document.class)).extracting(team -> team.getString("name")).containsExactly("Support", "Admins");
    }

    @Test
    void aRunOfNewTeamsIsOneWriteAndOneReadOfTheInvitationsWaitingForThem() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID awaited = UUID.randomUUID();
        ProjectionHarness harness = harness();
        harness.bean(EventApplier.class).apply(List.of(log.organizationCreated(first, "First"), log.organizationCreated(second, "Second")));
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        UUID invitation = UUID.randomUUID();
        List<EventEnvelope> batch = new ArrayList<>();
        // an invitation into a team its organization creates later in the batch, then both organizations set up teams
        batch.add(log.next(new InvitationIssued(UUID.randomUUID(), now, first, UUID.randomUUID(), invitation, "early@example.io",
                "Early", "Invitee", List.of("member"), List.of(awaited), now.plus(Duration.ofDays(7)), "hash-" + invitation,
                new EncryptedSecret("k", "c2VhbGVk"), null)));
        List<UUID> teams = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            UUID team = i == 6 ? awaited : UUID.randomUUID();
            teams.add(team);
            batch.add(log.teamCreated(i % 2 == 0 ? first : second, team, "Team " + i));
        }
        int before = harness.commands().size();

        harness.bean(EventApplier.class).apply(batch);

        List<String> sent = harness.commands().subList(before, harness.commands().size());
        assertThat(sent.stream().filter(command -> command.endsWith(" teams-v1") || command.endsWith(" invitations-v1")))
                .as("the invitation's row and document (its team unknown yet), then 10 new teams: their documents in one "
                        + "write, one read of the invitations waiting for them, then the one waiting shows its team (names, "
                        + "then the team lists its row); not 2 round trips a team: %s", sent)
                .containsExactly("find teams-v1", "update invitations-v1", "update teams-v1", "find invitations-v1",
                        "find teams-v1", "update teams-v1");
        assertThat(harness.collection("teams").countDocuments(new Document("_id", new Document("$in",
                teams.stream().map(UUID::toString).toList())).append("memberCount", 0L))).isEqualTo(10);
        String rowId = first + ":invitation:" + invitation;
        Document row = harness.collection("members").find(new Document("_id", rowId)).first();
        assertThat(row.getList("teams", Document.class)).extracting(team -> team.getString("name")).containsExactly("Team 6");
        assertThat(harness.collection("teams").find(new Document("_id", awaited.toString())).first()
                .getList("memberRows", String.class)).containsExactly(rowId);
    }

    /** Organizations with teams; users who register, join (some into teams), change, move teams, rename, leave. */
    private List<EventEnvelope> history() {
        List<EventEnvelope> events = new ArrayList<>();
        UUID actor = UUID.randomUUID();
        List<UUID> organizations = new ArrayList<>();
        Map<UUID, List<UUID>> teams = new TreeMap<>();
        Map<UUID, List<UUID>> members = new TreeMap<>();
        for (int o = 0; o < 3; o++) {
            UUID organization = UUID.randomUUID();
            organizations.add(organization);
            events.add(log.organizationCreated(organization, "Org " + o));
            for (int t = 0; t < 3; t++) {
                UUID team = UUID.randomUUID();
                teams.computeIfAbsent(organization, k -> new ArrayList<>()).add(team);
                events.add(log.teamCreated(organization, team, "Team " + o + "." + t));
            }
        }
        for (int u = 0; u < 30; u++) {
            UUID user = UUID.randomUUID();
            events.add(log.userRegistered(user, "user" + u + "@example.io", "User" + u, "Smith"));
            for (UUID organization : organizations) {
                if (random.nextInt(3) == 0) {
                    continue;
                }
                List<UUID> orgTeams = teams.get(organization);
                events.add(random.nextBoolean()
                        ? log.memberAdded(organization, user, List.of("member"), orgTeams.get(random.nextInt(orgTeams.size())))
                        : log.memberAdded(organization, user, List.of("member")));
                members.computeIfAbsent(organization, k -> new ArrayList<>()).add(user);
            }
            if (random.nextInt(4) == 0) {
                events.add(log.profileUpdated(user, "Renamed" + u, "Smith"));
            }
        }
        for (UUID organization : organizations) {
            List<UUID> orgMembers = members.getOrDefault(organization, List.of());
            List<UUID> orgTeams = teams.get(organization);
            for (int i = 0; i < orgMembers.size(); i++) {
                UUID user = orgMembers.get(i);
                switch (i % 5) {
                    case 0 -> events.add(log.rolesChanged(organization, user, List.of("admin")));
                    case 1 -> events.add(log.teamsChanged(organization, user, orgTeams.get(0), orgTeams.get(1)));
                    case 2 -> {
                        events.add(log.memberRemoved(organization, user));
                        if (i % 2 == 0) { // and back again, in the same batch
                            events.add(log.memberAdded(organization, user, List.of("billing-manager")));
                        }
                    }
                    default -> {
                    }
                }
            }
            events.add(log.teamRenamed(organization, orgTeams.get(0), "Renamed team"));
            events.add(log.teamDeleted(organization, orgTeams.get(2)));
            // a link used by a crowd, edited between its uses (the uses are held to the batch's end)
            UUID link = UUID.randomUUID();
            Instant now = Instant.parse("2026-12-01T10:00:00Z");
            events.add(log.next(new InvitationLinkCreated(UUID.randomUUID(), now, organization, actor, link, "Crowd", null,
                    List.of(), null, 10, List.of("member"), List.of(), "hash-" + link, new EncryptedSecret("k", "c2VhbGVk"))));
            for (int use = 1; use <= 6; use++) {
                UUID joiner = UUID.randomUUID();
                events.add(log.next(new InvitationLinkUsed(UUID.randomUUID(), now, organization, joiner, link, joiner,
                        "joiner" + use + "@example.io", List.of("member"), List.of(), use)));
                if (use == 3) {
                    events.add(log.next(new InvitationLinkUpdated(UUID.randomUUID(), now, organization, actor, link,
                            "Crowd, renamed", null, List.of(), null, 20, List.of("member"), List.of())));
                }
            }
            // invitations, their emails, a resend and a revocation; one is into a team created after it, whose creation
            // reads the invitations (their writes are held in the batch too); others into teams that exist, one deleted
            // before, with joins into the same teams between them (the teams list their rows in the events' order)
            UUID later = UUID.randomUUID();
            List<List<UUID>> invitedInto = List.of(List.of(later), List.of(orgTeams.get(1)), List.of(), List.of(orgTeams.get(1),
                    orgTeams.get(0)), List.of(orgTeams.get(2)), List.of(orgTeams.get(0)));
            for (int i = 0; i < invitedInto.size(); i++) {
                UUID invitation = UUID.randomUUID();
                String email = "invitee" + i + "@org" + organization + ".io";
                EncryptedSecret sealed = new EncryptedSecret("k", "c2VhbGVk");
                events.add(log.next(new InvitationIssued(UUID.randomUUID(), now, organization, actor, invitation, email, "In",
                        "Vitee " + i, List.of("member"), invitedInto.get(i), now.plus(Duration.ofDays(7)),
                        "hash-" + invitation, sealed, null)));
                if (i % 2 == 1) {
                    events.add(log.memberAdded(organization, UUID.randomUUID(), List.of("member"), orgTeams.get(1)));
                }
                events.add(log.next(new NotificationSent(UUID.randomUUID(), now, organization, null, UUID.randomUUID(),
                        UUID.randomUUID(), NotificationKind.INVITATION, email, invitation, 1, true)));
                if (i == 1) {
                    events.add(log.next(new InvitationResent(UUID.randomUUID(), now, organization, actor, invitation, email,
                            now.plus(Duration.ofDays(14)), "hash2-" + invitation, sealed, 1)));
                } else if (i == 2) {
                    events.add(log.next(new InvitationRevoked(UUID.randomUUID(), now, organization, actor, invitation, email)));
                }
            }
            events.add(log.teamCreated(organization, later, "Created after its invitation"));
            events.add(log.teamCreated(organization, UUID.randomUUID(), "Created with it"));
            events.add(log.teamRenamed(organization, orgTeams.get(0), "Renamed after its invitations"));
        }
        return events;
    }

    private ProjectionHarness harness() {
        ProjectionHarness harness = new ProjectionHarness();
        harnesses.add(harness);
        return harness;
    }

    private static Map<String, List<Document>> everything(ProjectionHarness harness) {
        Map<String, List<Document>> collections = new TreeMap<>();
        for (String name : harness.database().listCollectionNames()) {
            collections.put(name, harness.database().getCollection(name).find().sort(Sorts.ascending("_id")).into(new ArrayList<>()));
        }
        return collections;
    }
}

package io.roster.invitation.directory;

import com.mongodb.client.MongoClient;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.OrganizationCreated;
import io.roster.events.identity.TeamCreated;
import io.roster.events.identity.TeamDeleted;
import io.roster.events.identity.TeamRenamed;
import io.roster.kit.consumer.HeldWrites;
import io.roster.testsupport.mongo.SentCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The directory as its consumer applies a poll: the writes wait for the poll's end and go out in bulk, in order. */
class IdentityDirectoryWritesTest {

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final SentCommands commands = new SentCommands();
    private final MongoClient client;
    private final IdentityDirectory directory;
    private final HeldWrites writes;

    IdentityDirectoryWritesTest() {
        InetSocketAddress address = server.bind();
        client = commands.client("mongodb://127.0.0.1:" + address.getPort());
        directory = new IdentityDirectory(client.getDatabase("invitation"));
        writes = directory.heldWrites();
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void anOrganizationSettingUpItsTeamsIsAFewBulkWritesAtThePollsEndInTheEventsOrder() {
        UUID organization = UUID.randomUUID();
        UUID actor = UUID.randomUUID();
        Instant now = Instant.now();
        List<EventEnvelope> poll = new ArrayList<>();
        poll.add(EventEnvelope.of(new OrganizationCreated(UUID.randomUUID(), now, organization, actor, "Acme"), 0));
        List<UUID> teams = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            UUID team = UUID.randomUUID();
            teams.add(team);
            poll.add(EventEnvelope.of(new TeamCreated(UUID.randomUUID(), now, organization, actor, team, "Team " + i, null), i + 1));
        }
        // one team renamed, then one deleted, after their creation in the same poll: the order within a collection holds
        poll.add(EventEnvelope.of(new TeamRenamed(UUID.randomUUID(), now, organization, actor, teams.get(3), "Core", null), 11));
        poll.add(EventEnvelope.of(new TeamDeleted(UUID.randomUUID(), now, organization, actor, teams.get(4)), 12));
        commands.clear();

        writes.around(() -> {
            poll.forEach(directory::project);
            assertThat(commands.all()).as("nothing written while the poll is applied").isEmpty();
            writes.beforeMark();
            return null;
        });

        assertThat(commands.all()).as("13 events, 4 commands: the organization, then the teams' run of 10 replaces, the "
                        + "rename, the deletion (an ordered bulk write sends a command per run of one kind)")
                .containsExactly("update directory-organizations-v2", "update directory-teams-v2", "update directory-teams-v2",
                        "delete directory-teams-v2");
        assertThat(directory.organizationName(organization)).contains("Acme");
        Map<String, UUID> byName = directory.teamsByName(organization, List.of("Team 0", "Core", "Team 3", "Team 4", "Team 9"));
        assertThat(byName).containsOnlyKeys(key("Team 0"), key("Core"), key("Team 9"));
        assertThat(byName.get(key("Core"))).isEqualTo(teams.get(3));
        assertThat(directory.unknownTeams(organization, teams)).containsExactly(teams.get(4));
    }

    private static String key(String name) {
        return IdentityDirectory.teamNameKey(name);
    }
}

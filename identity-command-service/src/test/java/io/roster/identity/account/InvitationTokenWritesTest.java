package io.roster.identity.account;

import com.mongodb.client.MongoClient;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.roster.events.EncryptedSecret;
import io.roster.events.EventEnvelope;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationResent;
import io.roster.events.invitation.InvitationRevoked;
import io.roster.testsupport.mongo.SentCommands;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Identity's mirror of the invitation tokens as its consumer applies a poll: written at the poll's end, in bulk, in order. */
class InvitationTokenWritesTest {

    private final MongoServer server = new MongoServer(new MemoryBackend());
    private final SentCommands commands = new SentCommands();
    private final MongoClient client;
    private final InvitationTokens tokens;

    InvitationTokenWritesTest() {
        InetSocketAddress address = server.bind();
        client = commands.client("mongodb://127.0.0.1:" + address.getPort());
        tokens = new InvitationTokens(client.getDatabase("identity"), Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aBulkUploadsTokensAreOneBulkWriteAtThePollsEndAndLaterEventsOfAnInvitationApplyAfterItsIssue() {
        UUID organization = UUID.randomUUID();
        UUID actor = UUID.randomUUID();
        Instant now = Instant.now();
        List<EventEnvelope> poll = new ArrayList<>();
        List<UUID> invitations = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID invitation = UUID.randomUUID();
            invitations.add(invitation);
            poll.add(EventEnvelope.of(new InvitationIssued(UUID.randomUUID(), now, organization, actor, invitation,
                    "row" + i + "@example.io", "Row", "No " + i, List.of("member"), List.of(), now.plus(Duration.ofDays(7)),
                    "hash-" + i, new EncryptedSecret("k", "c2VhbGVk"), null, null, null), 0));
        }
        // in the same poll: one revoked, one resent (its first token dies), after their issue
        poll.add(EventEnvelope.of(new InvitationRevoked(UUID.randomUUID(), now, organization, actor, invitations.get(2),
                "row2@example.io"), 1));
        poll.add(EventEnvelope.of(new InvitationResent(UUID.randomUUID(), now, organization, actor, invitations.get(5),
                "row5@example.io", now.plus(Duration.ofDays(14)), "hash-5-again", new EncryptedSecret("k", "c2VhbGVk"), 1), 1));
        commands.clear();

        tokens.heldWrites().around(() -> {
            poll.forEach(tokens::apply);
            assertThat(commands.all()).as("nothing written while the poll is applied").isEmpty();
            tokens.heldWrites().beforeMark();
            return null;
        });

        assertThat(commands.all()).as("22 events: the issues and the revocation in one update command, the resend's "
                        + "deletion of the old token, its new token")
                .containsExactly("update invitation-tokens-v1", "delete invitation-tokens-v1", "update invitation-tokens-v1");
        assertThat(tokens.byHash("hash-0")).hasValueSatisfying(token -> assertThat(token.status()).isEqualTo("pending"));
        assertThat(tokens.byHash("hash-2")).hasValueSatisfying(token -> assertThat(token.status()).isEqualTo("revoked"));
        assertThat(tokens.byHash("hash-5")).isEmpty();
        assertThat(tokens.byHash("hash-5-again")).hasValueSatisfying(token -> assertThat(token.sourceId()).isEqualTo(invitations.get(5)));
    }
}

package io.roster.query.audit;

import io.roster.events.EncryptedSecret;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.AccountSetupRequested;
import io.roster.events.identity.EmailVerificationRequested;
import io.roster.events.identity.JoinPath;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.RegistrationSource;
import io.roster.events.identity.UserRegistered;
import io.roster.events.invitation.InvitationIssued;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationResent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What the audit log keeps of each event carrying a secret: everything but the secret. */
class PayloadRedactorTest {

    private static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String SEALED = "c2VhbGVkLXRva2VuLWNpcGhlcnRleHQ=";
    private final UUID org = UUID.randomUUID();
    private final UUID actor = UUID.randomUUID();
    private final Instant now = Instant.parse("2025-03-01T09:30:00.123456789Z");

    @Test
    void sealedTokensAndTokenHashesAreRemovedAndNamed() {
        UUID invitation = UUID.randomUUID();
        UUID link = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        List<AuditEntry> entries = List.of(
                entry(new InvitationIssued(UUID.randomUUID(), now, org, actor, invitation, "ann@example.io", "Ann", null,
                        List.of("member"), List.of(), now.plusSeconds(3600), HASH, sealed(), null)),
                entry(new InvitationResent(UUID.randomUUID(), now, org, actor, invitation, "ann@example.io", now.plusSeconds(7200),
                        HASH, sealed(), 1)),
                entry(new InvitationLinkCreated(UUID.randomUUID(), now, org, actor, link, "Team link", null, List.of("*@example.io"),
                        null, 10, List.of("member"), List.of(), HASH, sealed())),
                entry(new AccountSetupRequested(UUID.randomUUID(), now, org, actor, user, "bob@example.io", "Bob", sealed(), now)),
                entry(new EmailVerificationRequested(UUID.randomUUID(), now, null, user, user, "bob@example.io", sealed(), now)),
                entry(new UserRegistered(UUID.randomUUID(), now, null, null, user, "bob@example.io", "Bob", "B",
                        RegistrationSource.SIGN_UP, true, HASH)));

        for (AuditEntry entry : entries) {
            assertThat(entry.payload()).as(entry.name()).doesNotContain(HASH).doesNotContain(SEALED)
                    .doesNotContain("ciphertext").doesNotContain("key-1");
        }
        assertThat(entries.get(0).redacted()).containsExactly("tokenHash", "token");
        assertThat(entries.get(1).redacted()).containsExactly("tokenHash", "token");
        assertThat(entries.get(2).redacted()).containsExactly("tokenHash", "token");
        assertThat(entries.get(3).redacted()).containsExactly("setupToken");
        assertThat(entries.get(4).redacted()).containsExactly("verificationToken");
        assertThat(entries.get(5).redacted()).containsExactly("invitationTokenHash");
        // the rest of the event stays, for the auditor
        assertThat(entries.get(0).payload()).contains("\"email\":\"ann@example.io\"", "\"roles\":[\"member\"]",
                "\"invitationId\":\"" + invitation + "\"", "\"occurredAt\":\"2025-03-01T09:30:00.123456789Z\"");
        assertThat(entries.get(2).payload()).contains("\"emails\":[\"*@example.io\"]", "\"quota\":10");
    }

    @Test
    void anEventWithoutSecretsIsKeptWhole() {
        UUID user = UUID.randomUUID();
        UUID team = UUID.randomUUID();
        AuditEntry entry = entry(new MemberAdded(UUID.randomUUID(), now, org, actor, user, List.of("admin"), List.of(team),
                JoinPath.DIRECT, null));

        assertThat(entry.redacted()).isEmpty();
        assertThat(entry.toEvent()).isEqualTo(new MemberAdded(entry.eventId(), now, org, actor, user, List.of("admin"),
                List.of(team), JoinPath.DIRECT, null));
        assertThat(entry.type()).isEqualTo("roster.identity.MemberAdded.v2");
        assertThat(entry.name()).isEqualTo("MemberAdded");
    }

    private static EncryptedSecret sealed() {
        return new EncryptedSecret("key-1", SEALED);
    }

    private static AuditEntry entry(io.roster.events.RosterEvent event) {
        return AuditEntry.of(EventEnvelope.of(event, 0));
    }
}

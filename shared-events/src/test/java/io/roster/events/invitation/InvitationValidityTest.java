package io.roster.events.invitation;

import io.roster.events.ProblemCode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InvitationValidityTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    @Test
    void aPersonalInvitationIsUsableWhilePendingAndBeforeItsExpiry() {
        assertThat(InvitationValidity.ofInvitation("pending", NOW.plusSeconds(1), NOW)).isEqualTo(InvitationValidity.USABLE);
        assertThat(InvitationValidity.ofInvitation("pending", NOW, NOW)).as("expiry instant included")
                .isEqualTo(InvitationValidity.EXPIRED);
        assertThat(InvitationValidity.ofInvitation("expired", NOW.plusSeconds(60), NOW)).isEqualTo(InvitationValidity.EXPIRED);
        assertThat(InvitationValidity.ofInvitation("revoked", NOW.plusSeconds(60), NOW)).isEqualTo(InvitationValidity.REVOKED);
        assertThat(InvitationValidity.ofInvitation("accepted", NOW.plusSeconds(60), NOW)).isEqualTo(InvitationValidity.USED);
        assertThat(InvitationValidity.ofInvitation("declined", NOW.plusSeconds(60), NOW)).isEqualTo(InvitationValidity.DECLINED);
    }

    @Test
    void aLinkIsRefusedWhenDisabledThenExpiredThenUsedUp() {
        assertThat(InvitationValidity.ofLink(true, null, null, 1000, NOW)).isEqualTo(InvitationValidity.USABLE);
        assertThat(InvitationValidity.ofLink(false, NOW.minusSeconds(1), 1, 1, NOW)).isEqualTo(InvitationValidity.DISABLED);
        assertThat(InvitationValidity.ofLink(true, NOW, 1, 1, NOW)).isEqualTo(InvitationValidity.EXPIRED);
        assertThat(InvitationValidity.ofLink(true, NOW.plusSeconds(1), 2, 2, NOW)).isEqualTo(InvitationValidity.QUOTA_EXHAUSTED);
        assertThat(InvitationValidity.ofLink(true, NOW.plusSeconds(1), 2, 1, NOW)).isEqualTo(InvitationValidity.USABLE);
    }

    @Test
    void eachRefusalHasItsGoneCodeAndAMessage() {
        assertThat(List.of(InvitationValidity.values())).filteredOn(v -> !v.usable()).allSatisfy(v -> {
            assertThat(v.code()).get().extracting(ProblemCode::status).isEqualTo(410);
            assertThat(v.detail()).isNotBlank();
        });
        assertThat(InvitationValidity.USED.code()).contains(ProblemCode.INVITATION_USED);
        assertThat(InvitationValidity.QUOTA_EXHAUSTED.code()).contains(ProblemCode.QUOTA_EXHAUSTED);
        assertThat(InvitationValidity.USABLE.code()).isEmpty();
    }

    @Test
    void aPreviewStatusStandsForItsValidity() {
        assertThat(InvitationValidity.ofStatus("exhausted")).isEqualTo(InvitationValidity.QUOTA_EXHAUSTED);
        assertThat(InvitationValidity.ofStatus("accepted")).isEqualTo(InvitationValidity.USED);
        assertThat(InvitationValidity.ofStatus("enabled")).isEqualTo(InvitationValidity.USABLE);
        assertThat(InvitationValidity.ofStatus("pending")).isEqualTo(InvitationValidity.USABLE);
        assertThat(InvitationValidity.QUOTA_EXHAUSTED.linkStatus()).isEqualTo("exhausted");
    }
}

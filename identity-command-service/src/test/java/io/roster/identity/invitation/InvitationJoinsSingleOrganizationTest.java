package io.roster.identity.invitation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.roster.events.EncryptedSecret;
import io.roster.events.EventEnvelope;
import io.roster.events.identity.MemberAdded;
import io.roster.events.identity.UserEmailVerified;
import io.roster.events.identity.VerificationMethod;
import io.roster.events.invitation.InvitationAccepted;
import io.roster.events.invitation.InvitationIssued;
import io.roster.identity.IdentityHttpTest;
import io.roster.kit.secrets.SecretBox;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Under the single-organization policy an accepted invitation to a second organization is refused (logged,
 * counted) rather than retried; the address it was sent to (by the platform's mail) is still proved. The same properties as
 * {@code SingleOrganizationPolicyTest}, so the same Spring context.
 */
@TestPropertySource(properties = {"roster.membership.single-organization=true", "roster.identity.open-sign-up=false"})
class InvitationJoinsSingleOrganizationTest extends IdentityHttpTest {

    @Autowired
    private MeterRegistry meters;

    @Test
    void anInvitationToASecondOrganizationIsRefusedAndCounted() {
        String admin = adminToken();
        UUID first = createOrganization(admin, "First");
        UUID second = createOrganization(admin, "Second");
        TestUser user = createMember(first, "member");
        double refusedBefore = refused();

        UUID invitationId = UUID.randomUUID();
        InvitationIssued issued = new InvitationIssued(UUID.randomUUID(), Instant.now(), second, null, invitationId, user.email(),
                null, null, List.of("member"), List.of(), Instant.now().plusSeconds(3600), SecretBox.hash(SecretBox.newToken()),
                new EncryptedSecret("k1", "c2VhbGVk"), null);
        publishInvitationEvent(EventEnvelope.of(issued, 0));
        publishInvitationDelivery(issued, invitationId, user.email(), true);
        publishInvitationEvent(EventEnvelope.of(new InvitationAccepted(UUID.randomUUID(), Instant.now(), second, user.userId(),
                invitationId, user.userId(), user.email(), List.of("member"), List.of()), 1));

        await().atMost(Duration.ofSeconds(30)).until(() -> refused() > refusedBefore);
        assertThat(eventsOf(second, MemberAdded.class)).extracting(MemberAdded::userId).doesNotContain(user.userId());
        assertThat(eventsOf(user.userId(), UserEmailVerified.class)).singleElement()
                .satisfies(verified -> assertThat(verified.method()).isEqualTo(VerificationMethod.INVITATION));
    }

    private double refused() {
        Counter counter = meters.find("roster.identity.invitation.joins.refused").tag("code", "user_in_other_organization").counter();
        return counter == null ? 0 : counter.count();
    }
}

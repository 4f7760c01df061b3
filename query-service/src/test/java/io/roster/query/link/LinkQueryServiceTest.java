package io.roster.query.link;

import io.roster.events.EncryptedSecret;
import io.roster.events.invitation.InvitationLinkCreated;
import io.roster.events.invitation.InvitationLinkDisabled;
import io.roster.events.invitation.InvitationLinkUpdated;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.query.AbstractServiceTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The invitation-links list with its used count; a replayed use counts once. */
class LinkQueryServiceTest extends AbstractServiceTest {

    private final UUID org = UUID.randomUUID();
    private final UUID admin = UUID.randomUUID();

    @Test
    void linksShowTheirSettingsStatusAndUsedCount() {
        publish(log.organizationCreated(org, "Links Ltd"), log.memberAdded(org, admin, List.of("admin")));
        UUID link = UUID.randomUUID();
        Instant now = Instant.now();
        var created = log.next(new InvitationLinkCreated(UUID.randomUUID(), now, org, admin, link, "Partners", "for partners",
                List.of("*@partner.io"), null, 3, List.of("member"), List.of(), "c".repeat(64), new EncryptedSecret("k", "c2VhbGVk")));
        var firstUse = log.next(new InvitationLinkUsed(UUID.randomUUID(), now, org, UUID.randomUUID(), link, UUID.randomUUID(),
                "a@partner.io", List.of("member"), List.of(), 1));
        var secondUse = log.next(new InvitationLinkUsed(UUID.randomUUID(), now, org, UUID.randomUUID(), link, UUID.randomUUID(),
                "b@partner.io", List.of("member"), List.of(), 2));
        publish(created, firstUse, secondUse, firstUse);
        String consistency = publish(
                log.next(new InvitationLinkUpdated(UUID.randomUUID(), now, org, admin, link, "Partner firms", null,
                        List.of("*@partner.io"), null, 5, List.of("member"), List.of())),
                log.next(new InvitationLinkDisabled(UUID.randomUUID(), now, org, admin, link)));

        get(tokenOf(admin), consistency, "/api/v1/organizations/{org}/invitation-links", org)
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.items.length()").isEqualTo(1)
                .jsonPath("$.items[0].linkId").isEqualTo(link.toString())
                .jsonPath("$.items[0].name").isEqualTo("Partner firms")
                .jsonPath("$.items[0].quota").isEqualTo(5)
                .jsonPath("$.items[0].used").isEqualTo(2)
                .jsonPath("$.items[0].status").isEqualTo("disabled")
                .jsonPath("$.items[0].emails[0]").isEqualTo("*@partner.io")
                .jsonPath("$..token").doesNotExist()
                .jsonPath("$..tokenHash").doesNotExist();
        get(tokenOf(UUID.randomUUID()), null, "/api/v1/organizations/{org}/invitation-links", org).expectStatus().isNotFound();
    }
}

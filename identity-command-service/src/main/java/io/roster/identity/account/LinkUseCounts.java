package io.roster.identity.account;

import io.roster.events.EventEnvelope;
import io.roster.events.invitation.InvitationLinkUsed;
import io.roster.kit.consumer.HeldToBatchEnd;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The InvitationLinkUsed events of a batch, applied to {@link InvitationTokens} at its end: one update per link for
 * all of its uses (a crowd through one public link brings them by the hundred), not one per use. The update is
 * idempotent and order-free ({@code $max} of the count, the users' sign-up uses pulled), so a batch applied again
 * changes nothing.
 */
@Component
public class LinkUseCounts extends HeldToBatchEnd<InvitationLinkUsed> {

    private final InvitationTokens tokens;

    LinkUseCounts(InvitationTokens tokens) {
        this.tokens = tokens;
    }

    /** Holds the envelope's InvitationLinkUsed for the batch's end. */
    public void apply(EventEnvelope envelope) {
        if (envelope.event() instanceof InvitationLinkUsed used) {
            hold(used);
        }
    }

    @Override
    protected void actOn(List<Held<InvitationLinkUsed>> uses) {
        Map<UUID, List<InvitationLinkUsed>> byLink = new LinkedHashMap<>();
        uses.forEach(use -> byLink.computeIfAbsent(use.item().linkId(), id -> new ArrayList<>()).add(use.item()));
        byLink.forEach((linkId, ofLink) -> tokens.used(linkId,
                ofLink.stream().mapToInt(InvitationLinkUsed::used).max().orElseThrow(),
                ofLink.stream().map(InvitationLinkUsed::userId).toList()));
    }
}

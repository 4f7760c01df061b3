package io.roster.notification.delivery;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Claims of this instance whose SMTP transaction never started, although MongoDB may record them as {@code sending}:
 * the write of {@code sending} failed (MongoDB unreachable, or a timeout after MongoDB applied it). Left alone, the
 * lease would run out and the maintenance would take the delivery for one whose worker died mid-send and record its
 * outcome as unknown, never to be sent, though nothing went out. The worker knows better, so it notes the claim here,
 * and at the maintenance's next rounds, before any expiry, the claim goes back to the queue, due at once, the attempt
 * not counted. A claim another instance recorded as unknown meanwhile stays unknown (at most once holds either way).
 */
@Component
class UnsentClaims {

    private static final Logger log = LoggerFactory.getLogger(UnsentClaims.class);

    private final Set<Delivery> claims = ConcurrentHashMap.newKeySet();

    void add(Delivery claim) {
        claims.add(claim);
    }

    /** Puts each noted claim back in the queue; one MongoDB does not answer for yet stays noted for the next round. */
    void requeue(DeliveryQueue queue, Instant now) {
        for (Delivery claim : claims) {
            boolean requeued = queue.reschedule(claim, DeliveryStatus.PENDING, now,
                    "MongoDB did not answer before the SMTP transaction; nothing was sent", false, now);
            claims.remove(claim);
            if (requeued) {
                log.info("Notification {} ({}): back in the queue; MongoDB failed before it was sent", claim.notificationId(),
                        claim.kind());
            }
        }
    }
}

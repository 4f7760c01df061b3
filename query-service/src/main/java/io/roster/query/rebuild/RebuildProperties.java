package io.roster.query.rebuild;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Tuning of a projection rebuild ({@code roster.query.rebuild.*}).
 *
 * @param pauseTimeout how long the switch waits for the live consumer to stop between two batches
 * @param settleTime   after the switch, how long other instances get to notice it (they re-read the active
 *                     version every {@code roster.query.read-model-refresh}) before the rebuild copies what
 *                     they applied to the old version meanwhile, and drops it
 * @param staleAfter   a rebuild whose instance has not reported for this long is taken to be dead: another
 *                     may start
 * @param dropPrevious whether the previous version's collections are dropped once the new one is active
 * @param flushEvery   applied sequences kept in memory during the replay are written every this many events
 */
@ConfigurationProperties("roster.query.rebuild")
public record RebuildProperties(@DefaultValue("PT60S") Duration pauseTimeout,
                                @DefaultValue("PT3S") Duration settleTime,
                                @DefaultValue("PT2M") Duration staleAfter,
                                @DefaultValue("true") boolean dropPrevious,
                                @DefaultValue("1000") int flushEvery) {
}

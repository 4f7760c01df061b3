package io.roster.query.consumer;

import java.util.Map;

/** Told by the live consumer which sequences it has just recorded as applied, and in which read-model version. */
public interface AppliedSequencesListener {
    void applied(int version, Map<String, Long> sequences);
}

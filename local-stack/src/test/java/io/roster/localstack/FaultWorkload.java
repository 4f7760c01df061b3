package io.roster.localstack;

/**
 * How big a fault test's workload is. The default build (CI) runs every fault at a size that fits its time budget;
 * {@code -Droster.fault-tests=full} runs the sizes issue 13 names (a 1000-row file, 300 invitations, 100 removals).
 */
final class FaultWorkload {

    static final boolean FULL = "full".equals(System.getProperty("roster.fault-tests"));

    private FaultWorkload() {
    }

    static int size(int ci, int full) {
        return FULL ? full : ci;
    }
}

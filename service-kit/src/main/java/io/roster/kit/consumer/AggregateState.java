package io.roster.kit.consumer;

/** What a consumer knows of one aggregate: the last sequence it applied, and whether the aggregate is parked. */
final class AggregateState {

    private final String aggregateId;
    private long last;
    private Parked parked;
    private boolean dirty;

    AggregateState(String aggregateId, long last, Parked parked) {
        this.aggregateId = aggregateId;
        this.last = last;
        this.parked = parked;
    }

    static AggregateState fresh(String aggregateId) {
        return new AggregateState(aggregateId, -1, null);
    }

    String aggregateId() {
        return aggregateId;
    }

    long last() {
        return last;
    }

    Parked parked() {
        return parked;
    }

    boolean dirty() {
        return dirty;
    }

    void applied(long sequence) {
        last = Math.max(last, sequence);
        dirty = true;
    }

    void park(Parked parked) {
        this.parked = parked;
        dirty = true;
    }

    void release() {
        if (parked != null) {
            parked = null;
            dirty = true;
        }
    }

    void written() {
        dirty = false;
    }
}

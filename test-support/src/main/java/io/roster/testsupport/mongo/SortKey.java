package io.roster.testsupport.mongo;

/** One field of a sort or of an index key, with its direction (1 ascending, -1 descending). */
public record SortKey(String field, int direction) {

    @Override
    public String toString() {
        return direction < 0 ? "-" + field : field;
    }
}

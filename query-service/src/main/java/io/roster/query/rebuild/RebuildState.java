package io.roster.query.rebuild;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;

/** Where a rebuild is: replaying the topics into the new version, catching up and switching, or done. */
public enum RebuildState {
    REPLAYING, CATCHING_UP, SETTLING, COMPLETED, FAILED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static RebuildState fromWire(String wireName) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(wireName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no rebuild state " + wireName));
    }

    boolean finished() {
        return this == COMPLETED || this == FAILED;
    }
}

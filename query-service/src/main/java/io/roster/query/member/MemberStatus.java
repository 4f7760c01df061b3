package io.roster.query.member;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Where a row of the member list stands: a member, or an invitee who has not accepted yet. */
public enum MemberStatus {
    ACTIVE("active"),
    PENDING("pending");

    /** The values of {@code ?status=}, by their wire names. */
    static final Map<String, MemberStatus> BY_WIRE_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(MemberStatus::wireName, Function.identity()));

    private final String wireName;

    MemberStatus(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    static MemberStatus fromWire(String name) {
        MemberStatus status = BY_WIRE_NAME.get(name);
        if (status == null) {
            throw new IllegalStateException("Unknown member status in members-v1: " + name);
        }
        return status;
    }
}

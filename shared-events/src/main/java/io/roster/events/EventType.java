package io.roster.events;

/**
 * The published identity of an event class: context, simple name and revision, and the CloudEvents
 * type built from them ({@code roster.identity.MemberAdded.v1}).
 */
public record EventType(EventContext context, String name, int revision, Class<? extends RosterEvent> javaType) {

    private static final String PREFIX = "roster.";

    public String ceType() {
        return ceType(context, name, revision);
    }

    static String ceType(EventContext context, String name, int revision) {
        return PREFIX + context.id() + "." + name + ".v" + revision;
    }

    /** Parses a CloudEvents type into its parts; the revision may be older than the current one. */
    public static ParsedType parse(String ceType) {
        if (ceType == null || !ceType.startsWith(PREFIX)) {
            throw new UnreadableEventException("not a Roster event type: " + ceType);
        }
        String[] parts = ceType.substring(PREFIX.length()).split("\\.");
        if (parts.length != 3 || !parts[2].matches("v[1-9][0-9]{0,4}")) {
            throw new UnreadableEventException("malformed event type: " + ceType);
        }
        return new ParsedType(parts[0], parts[1], Integer.parseInt(parts[2].substring(1)));
    }

    public record ParsedType(String context, String name, int revision) {
    }
}

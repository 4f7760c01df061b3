package io.roster.events;

import java.util.List;

/** Kafka topic names. Each event topic keeps its records forever: the topics are the replay source. */
public final class Topics {
    public static final String IDENTITY = "roster.identity.v1";
    public static final String INVITATION = "roster.invitation.v1";
    public static final String NOTIFICATION = "roster.notification.v1";

    /** Suffix of the dead letter topic of a topic, as spring-kafka's recoverer names it. */
    public static final String DEAD_LETTER_SUFFIX = ".DLT";

    public static final List<String> EVENT_TOPICS = List.of(IDENTITY, INVITATION, NOTIFICATION);

    private Topics() {
    }

    public static String deadLetter(String topic) {
        return topic + DEAD_LETTER_SUFFIX;
    }
}

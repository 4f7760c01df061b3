package io.roster.localstack;

import java.util.Arrays;
import java.util.Locale;

/** The four services the local stack runs, each as its own process from its fat jar. */
public enum RosterService {
    IDENTITY("identity-command-service", "identity", "roster-identity", true),
    INVITATION("invitation-service", "invitation", "roster-invitation", true),
    QUERY("query-service", "query", "roster-query", false),
    NOTIFICATION("notification-service", "notification", "roster-notification", true);

    private final String module;
    private final String shortName;
    private final String database;
    private final boolean receivesTokenEncryptionKey;

    RosterService(String module, String shortName, String database, boolean receivesTokenEncryptionKey) {
        this.module = module;
        this.shortName = shortName;
        this.database = database;
        this.receivesTokenEncryptionKey = receivesTokenEncryptionKey;
    }

    /** Maven module and artifact id; also the jar's file name and the log file's name. */
    public String module() {
        return module;
    }

    public String shortName() {
        return shortName;
    }

    /** The Mongo database the service owns. */
    public String database() {
        return database;
    }

    /** Only the services that handle invitation tokens get the AES key (query never sees raw tokens). */
    public boolean receivesTokenEncryptionKey() {
        return receivesTokenEncryptionKey;
    }

    /** Accepts the module name ("query-service") or the short name ("query"), case-insensitively. */
    public static RosterService parse(String name) {
        String wanted = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(service -> service.module.equals(wanted) || service.shortName.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown service '" + name + "'; known: "
                        + String.join(", ", Arrays.stream(values()).map(RosterService::shortName).toList())));
    }
}

package io.roster.localstack;

import java.util.LinkedHashMap;
import java.util.Map;

/** Every loopback port the local stack binds. */
public record Ports(
        int kafka,
        int kafkaController,
        int mongo,
        int smtp,
        int imap,
        int inbox,
        int identity,
        int invitation,
        int query,
        int notification,
        int console) {

    /** The local defaults of PRODUCT.md §1 and §6 (the admin console on 8080). */
    public static final Ports DEFAULTS = new Ports(9092, 9093, 27017, 3025, 3143, 8025, 8081, 8082, 8083, 8084, 8080);

    /** The admin console's name in {@link #byName()}: its module, like the services'. */
    public static final String ADMIN_CONSOLE = "admin-console";

    public Ports {
        Map<String, Integer> all = new LinkedHashMap<>();
        all.put("kafka", kafka);
        all.put("kafka-controller", kafkaController);
        all.put("mongo", mongo);
        all.put("smtp", smtp);
        all.put("imap", imap);
        all.put("inbox", inbox);
        all.put("identity", identity);
        all.put("invitation", invitation);
        all.put("query", query);
        all.put("notification", notification);
        all.put("console", console);
        Map<Integer, String> seen = new LinkedHashMap<>();
        all.forEach((name, port) -> {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(name + " port " + port + " is not between 1 and 65535");
            }
            String other = seen.putIfAbsent(port, name);
            if (other != null) {
                throw new IllegalArgumentException("port " + port + " is given to both " + other + " and " + name);
            }
        });
    }

    public int of(RosterService service) {
        return switch (service) {
            case IDENTITY -> identity;
            case INVITATION -> invitation;
            case QUERY -> query;
            case NOTIFICATION -> notification;
        };
    }

    /** Name → port, in start-up order, for messages and for the free-port check. */
    public Map<String, Integer> byName() {
        Map<String, Integer> all = new LinkedHashMap<>();
        all.put("Kafka", kafka);
        all.put("Kafka controller", kafkaController);
        all.put("Mongo-wire server", mongo);
        all.put("SMTP", smtp);
        all.put("IMAP", imap);
        all.put("inbox page", inbox);
        for (RosterService service : RosterService.values()) {
            all.put(service.module(), of(service));
        }
        all.put(ADMIN_CONSOLE, console);
        return all;
    }
}

package io.roster.events;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The JSON fixture of every event type, one per revision, at
 * {@code fixtures/<context>/<EventName>.v<revision>.json} on the test classpath. Other modules get
 * them through this module's test-jar.
 */
public final class Fixtures {

    private Fixtures() {
    }

    /** The classpath location of the fixture of {@code type} at its current revision. */
    public static String path(EventType type) {
        return path(type, type.revision());
    }

    /** The classpath location of the fixture of {@code type} written at {@code revision}. */
    public static String path(EventType type, int revision) {
        return "fixtures/" + type.context().id() + "/" + type.name() + ".v" + revision + ".json";
    }

    /** The fixture's JSON text. */
    public static String json(EventType type) {
        return json(type, type.revision());
    }

    /** The JSON text of the fixture of {@code type} written at {@code revision}. */
    public static String json(EventType type, int revision) {
        String path = path(type, revision);
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + path + " on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** The fixture read as its event record, the way consumers read it. */
    public static RosterEvent load(EventType type) {
        return EventJson.read(EventJson.tree(json(type).getBytes(StandardCharsets.UTF_8)), type.javaType());
    }

    /** {@link #load(EventType)} typed by the event class. */
    public static <T extends RosterEvent> T load(Class<T> eventClass) {
        return eventClass.cast(load(EventCatalog.of(eventClass)));
    }
}

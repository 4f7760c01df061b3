package io.roster.localstack;

/**
 * Fixed loopback ports for one end-to-end test class, one block of a thousand per class.
 *
 * <p>Every block lies below 32768, where Linux starts handing out ephemeral ports (32768–60999) to outgoing
 * connections. A stack told to listen on a port in that range can find it held by some unrelated client socket
 * (a CI run failed so on 49092), so tests never use one; and distinct blocks keep one class's stack clear of the
 * ports another class's stack may still be releasing.
 */
public final class TestPorts {

    private static final int FIRST_EPHEMERAL_PORT = 32768;

    private TestPorts() {}

    /** Ports {@code block}092 (Kafka), …093, …017 (Mongo), …025 (SMTP), …143 (IMAP), …080 (inbox), …081–…084, …086 (admin console). */
    public static Ports block(int block) {
        int base = block * 1000;
        if (block < 10 || base + 999 >= FIRST_EPHEMERAL_PORT) {
            throw new IllegalArgumentException("port block " + block + " is not between 10 and 31");
        }
        return new Ports(base + 92, base + 93, base + 17, base + 25, base + 143, base + 80,
                base + 81, base + 82, base + 83, base + 84, base + 86);
    }
}

package io.roster.localstack;

/** The local stack could not start; the message says what failed and which log file to read. */
public class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}

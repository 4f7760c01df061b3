package io.roster.console;

/** The API refused the session's token (expired or revoked): the person must sign in again. */
public class SessionEndedException extends RuntimeException {

    public SessionEndedException() {
        super("the session's access token is no longer accepted", null, false, false);
    }
}

package io.roster.notification.delivery;

/** How one go at a delivery ended, as far as the organization's SMTP route is concerned. */
public enum Attempt {
    SENT,
    /** The server could not be reached or answered 4xx (whether or not that was the email's last attempt). */
    TRANSIENT_FAILURE,
    /** The server refused the email for good (5xx, invalid recipient). */
    PERMANENT_FAILURE,
    /** The email could not be composed (its token cannot be opened); no server was involved. */
    UNSENDABLE,
    /** The email waits for a fact; nothing was tried. */
    DEFERRED,
    CANCELLED,
    /** The lease was lost to another worker: this worker recorded nothing. */
    LOST,
    /** The service could not tell how the SMTP transaction ended. */
    UNKNOWN
}

package io.roster.notification.email;

/** What composing a delivery's email gave. */
public sealed interface Composition {

    /** The email, ready to send. */
    record Ready(String recipient, RenderedEmail email) implements Composition {
    }

    /** A fact the email needs is not known yet (the events that bring it may still be on their way). */
    record Waiting(String reason) implements Composition {
    }

    /** The email is not wanted any more: its link expired, its recipient's account was deleted. */
    record Cancelled(String reason) implements Composition {
    }

    /** The email can never be composed (its token cannot be opened): a permanent failure. */
    record Impossible(String reason) implements Composition {
    }
}

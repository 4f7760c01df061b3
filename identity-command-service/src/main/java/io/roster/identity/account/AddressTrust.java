package io.roster.identity.account;

/**
 * How far an account's address is known to belong to whoever holds the account (PRODUCT.md §3a). Only a
 * {@link #CLAIMED} address stands for nothing: its password was chosen by whoever signed up with it, and nobody has
 * shown that they read its mailbox.
 */
public enum AddressTrust {

    /** The owner proved the mailbox: a link or a personal invitation the platform mailed to it was used. */
    PROVEN,

    /**
     * Not proven yet, but the account did not choose itself: a provider admin set its password, or it waits for its
     * owner to set one through the set-up mail, or it is the platform's bootstrap admin.
     */
    VOUCHED_FOR,

    /** A self-sign-up nobody has proven: possibly someone's pre-claim of another person's address. */
    CLAIMED
}

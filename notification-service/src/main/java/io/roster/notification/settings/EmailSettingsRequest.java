package io.roster.notification.settings;

/**
 * The body of {@code PUT .../email-settings}. {@code password}: absent or null keeps the stored one,
 * {@code ""} removes it, anything else replaces it.
 */
record EmailSettingsRequest(String host, Integer port, String tlsMode, String username, String password,
                            String senderAddress, String senderName) {

    @Override
    public String toString() {
        return "EmailSettingsRequest[" + host + ":" + port + ", " + tlsMode + ", user " + username + ", password <hidden>, from "
                + senderAddress + "]";
    }
}

package io.roster.notification.settings;

import io.roster.events.EmailAddress;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps organizations' SMTP settings from reaching inside the platform: a host that resolves to a loopback,
 * link-local (cloud metadata at 169.254.169.254), private, carrier-grade NAT, unique-local, multicast or wildcard
 * address, or to one of this machine's own addresses, is refused unless the operator allows private hosts. Checked
 * when the settings are saved and again before every send (a name may be re-pointed after it was checked).
 */
@Component
@EnableConfigurationProperties(SmtpTrustProperties.class)
public class SmtpHostPolicy {

    private final boolean allowPrivate;
    private final Set<String> allowedSenderDomains;

    SmtpHostPolicy(SmtpTrustProperties properties) {
        this.allowPrivate = properties.allowPrivateSmtpHosts();
        this.allowedSenderDomains = properties.allowedSenderDomains().stream().map(String::trim).filter(d -> !d.isEmpty())
                .map(EmailAddress::normalizeDomain).collect(Collectors.toUnmodifiableSet());
    }

    /** Why the host may not be used, or empty when it may (a name that does not resolve is left to the send to fail). */
    public Optional<String> refusal(String host) {
        if (allowPrivate) {
            return Optional.empty();
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        Set<InetAddress> own = ownAddresses();
        for (InetAddress address : addresses) {
            if (isInternal(address) || own.contains(address)) {
                return Optional.of("must not be a loopback, link-local, private or the platform's own address ("
                        + host + " is " + address.getHostAddress() + ")");
            }
        }
        return Optional.empty();
    }

    /** Whether mail may leave with this sender address (else the platform's address is used). */
    public boolean senderAllowed(String senderAddress) {
        int at = senderAddress.lastIndexOf('@');
        return at > 0 && allowedSenderDomains.contains(senderAddress.substring(at + 1).toLowerCase(Locale.ROOT));
    }

    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            int first = bytes[0] & 0xFF;
            int second = bytes[1] & 0xFF;
            return first == 0 // "this network"
                    || (first == 100 && second >= 64 && second < 128) // carrier-grade NAT, 100.64.0.0/10
                    || (first == 198 && (second == 18 || second == 19)); // benchmarking, 198.18.0.0/15
        }
        return (bytes[0] & 0xFE) == 0xFC; // IPv6 unique local, fc00::/7
    }

    private static Set<InetAddress> ownAddresses() {
        Set<InetAddress> own = new HashSet<>();
        try {
            for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                own.addAll(Collections.list(network.getInetAddresses()));
            }
        } catch (SocketException e) {
            // no interface list: the address classes above still hold
        }
        return own;
    }
}

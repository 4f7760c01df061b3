package io.roster.kit.ratelimit;

import org.springframework.http.server.reactive.ServerHttpRequest;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The address a request came from, for per-client limits. {@code X-Forwarded-For} is believed only from a trusted
 * proxy, and only as far as the chain of trusted proxies goes: walking the header from the right (the hop the proxy
 * itself appended), the first address that is not a trusted proxy is the client. Anything else a client writes into
 * the header is ignored, so a spoofed header never gives a caller a fresh bucket.
 */
public class ClientAddresses {

    private final List<AddressRange> trustedProxies;

    public ClientAddresses(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().map(String::trim).filter(cidr -> !cidr.isEmpty())
                .map(AddressRange::parse).toList();
    }

    public String of(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        String socket = remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
        if (!trusted(socket)) {
            return socket;
        }
        List<String> hops = new ArrayList<>();
        for (String header : request.getHeaders().getOrEmpty("X-Forwarded-For")) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        String client = socket;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i);
            if (AddressRange.literal(hop).isEmpty()) {
                return client; // garbage from beyond the last trusted hop: the last address we can vouch for
            }
            client = hop;
            if (!trusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean trusted(String address) {
        Optional<InetAddress> literal = AddressRange.literal(address);
        return literal.isPresent() && trustedProxies.stream().anyMatch(proxy -> proxy.contains(literal.get()));
    }
}

package io.roster.kit.ratelimit;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientAddressesTest {

    private final ClientAddresses behindProxy = new ClientAddresses(List.of("10.0.0.0/8", "fd00::/8"));

    private static MockServerHttpRequest from(String socket, String... forwardedFor) {
        return MockServerHttpRequest.get("/").remoteAddress(new InetSocketAddress(socket, 40000))
                .header("X-Forwarded-For", forwardedFor).build();
    }

    @Test
    void aSpoofedHeaderFromAnUntrustedAddressIsIgnored() {
        assertThat(behindProxy.of(from("198.51.100.9", "203.0.113.1"))).isEqualTo("198.51.100.9");
        assertThat(new ClientAddresses(List.of()).of(from("127.0.0.1", "203.0.113.1"))).isEqualTo("127.0.0.1");
    }

    @Test
    void throughTrustedProxiesTheFirstUntrustedHopFromTheRightIsTheClient() {
        assertThat(behindProxy.of(from("10.1.2.3", "203.0.113.1"))).isEqualTo("203.0.113.1");
        // the client wrote a fake first hop; the proxy appended the address it saw
        assertThat(behindProxy.of(from("10.1.2.3", "1.2.3.4, 198.51.100.9, 10.9.9.9"))).isEqualTo("198.51.100.9");
        assertThat(behindProxy.of(from("10.1.2.3", "1.2.3.4", "198.51.100.9"))).isEqualTo("198.51.100.9");
        assertThat(behindProxy.of(from("10.1.2.3"))).isEqualTo("10.1.2.3");
        // never a name to resolve
        assertThat(behindProxy.of(from("10.1.2.3", "evil.example"))).isEqualTo("10.1.2.3");
    }
}

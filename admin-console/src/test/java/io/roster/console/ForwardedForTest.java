package io.roster.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.roster.console.StandInApi.Answer;
import io.roster.console.StandInApi.Request;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;

/**
 * The console passes the browser's address on to the API ({@link ForwardedFor}), so identity's per-address limits on
 * wrong passwords single out one browser instead of counting every console user as the console. The browsers here
 * connect from their own loopback addresses (127.0.0.2, 127.0.0.3: Linux routes all of 127.0.0.0/8 to the loopback
 * interface), so the address the API is told is the connection's and not simply the console's own 127.0.0.1.
 * <p>
 * The console runs as on Kubernetes ({@code spring.main.cloud-platform=kubernetes}), where Spring Boot would by default
 * take the connection's address from {@code X-Forwarded-For} itself: a browser could then name any address.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.main.cloud-platform=kubernetes")
class ForwardedForTest {

    /** Each API call as "METHOD path", and the X-Forwarded-For it carried ("" without one). */
    private record Call(String call, String forwardedFor) {
    }

    private static final List<Call> CALLS = new CopyOnWriteArrayList<>();
    @RegisterExtension
    private static final StandInApi API = StandInApi.start(ForwardedForTest::answer);

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void apiUrls(DynamicPropertyRegistry registry) {
        API.pointConsoleAt(registry);
    }


    @BeforeEach
    void forget() {
        CALLS.clear();
    }

    @Test
    void theSignInTheRenewalAndThePagesCallsReachTheApiWithTheBrowsersAddress() {
        SignedInSession session = SignedInSession.signIn(browserAt("127.0.0.2"), "admin@acme.test", "correct horse battery staple");
        // the sign-in's token expires within the renewal window (5 min): the page renews it first, then lists
        session.get("/console/");

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(CALLS).extracting(Call::call).as("the calls made")
                .contains("POST /api/v1/auth/token", "POST /api/v1/auth/token/renew", "GET /api/v1/organizations");
        softly.assertThat(CALLS).extracting(Call::forwardedFor).as("X-Forwarded-For of every call").containsOnly("127.0.0.2");
        softly.assertAll();
    }

    @Test
    void aForwardedForTheBrowserWritesItselfStaysLeftOfItsRealAddress() {
        WebTestClient spoofing = browserAt("127.0.0.3").mutate().defaultHeader("X-Forwarded-For", "6.6.6.6").build();
        SignedInSession.signIn(spoofing, "admin@acme.test", "correct horse battery staple");

        // identity walks the chain from the right through its trusted proxies (the console): the first address it does
        // not trust is the client, 127.0.0.3 here, whatever the browser wrote
        assertThat(CALLS).as("the sign-in call")
                .containsExactly(new Call("POST /api/v1/auth/token", "6.6.6.6, 127.0.0.3"));
    }

    @Test
    void aHugeOrEmptyForwardedForIsCutToItsRightEndBeforeTheRealAddress() {
        // 400 hops, about 5 KB: as much as the console's own header limit (8 KB) lets a browser send
        String manyHops = IntStream.range(0, 400).mapToObj(i -> "10.0." + (i / 256) + "." + (i % 256))
                .collect(Collectors.joining(", "));
        SignedInSession.signIn(browserAt("127.0.0.4").mutate().defaultHeader("X-Forwarded-For", manyHops).build(),
                "admin@acme.test", "correct horse battery staple");
        SignedInSession.signIn(browserAt("127.0.0.5").mutate().defaultHeader("X-Forwarded-For", ",,").build(),
                "admin@acme.test", "correct horse battery staple");

        assertThat(CALLS).extracting(Call::forwardedFor).containsExactly(
                IntStream.range(390, 400).mapToObj(i -> "10.0." + (i / 256) + "." + (i % 256)).collect(Collectors.joining(", "))
                        + ", 127.0.0.4",
                "127.0.0.5");
    }

    /** A browser whose connections to the console leave from {@code address}. */
    private WebTestClient browserAt(String address) {
        HttpClient boundTo = HttpClient.create().bindAddress(() -> new InetSocketAddress(address, 0));
        return WebTestClient.bindToServer(new ReactorClientHttpConnector(boundTo)).baseUrl("http://127.0.0.1:" + port).build();
    }

    private static Answer answer(Request request) {
        String forwardedFor = request.headers().getFirst("X-Forwarded-For");
        String path = request.path().replaceFirst("\\?.*", "");
        CALLS.add(new Call(request.method() + " " + path, forwardedFor == null ? "" : forwardedFor));
        if (path.startsWith("/api/v1/auth/token")) {
            return Answer.token("0d7e4b9a-4b0c-4d8e-9a51-3f6f3e1f5a10", "admin@acme.test", false, 300);
        }
        return Answer.ok(StandInApi.items());
    }
}

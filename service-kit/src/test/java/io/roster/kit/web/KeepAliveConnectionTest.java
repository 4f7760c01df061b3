package io.roster.kit.web;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

/**
 * Every service answers on reactor-netty. In 1.2.18 (Spring Boot 3.5's) a request that reaches a kept-alive
 * connection before the previous one's operations have terminated is buffered, and if it is then answered at once
 * the server never reads from that connection again (reactor-netty#4361): the client's next request waits forever.
 * It hung a request of our CI for two minutes. roster-kit.yml therefore serves one request per connection
 * ({@code server.netty.max-keep-alive-requests: 1}).
 *
 * <p>This test runs a server with that setting, read from roster-kit.yml as the services read it, and a client
 * that keeps its connection open unless told {@code Connection: close}, as WebClient, Envoy and browsers do. Without
 * the setting, 9 to 29 of 300 sequences hung in our runs on 1.2.18.
 */
class KeepAliveConnectionTest {

    private static final int SEQUENCES = 300;

    private DisposableServer server;

    @BeforeEach
    void start() throws IOException {
        // a read that leaves the event loop, like every repository call, and a refusal decided on the event loop,
        // like a 401, 404 or 415
        var routes = RouterFunctions.route(GET("/slow"),
                        request -> Mono.delay(Duration.ofMillis(2)).then(ServerResponse.ok().bodyValue("slow")))
                .andRoute(POST("/refused"),
                        request -> Mono.error(new ResponseStatusException(HttpStatus.UNSUPPORTED_MEDIA_TYPE)));
        HttpServer http = HttpServer.create().host("127.0.0.1").port(0);
        Object perConnection = rosterKitSetting("server.netty.max-keep-alive-requests");
        if (perConnection != null) {
            http = http.maxKeepAliveRequests(Integer.parseInt(perConnection.toString()));
        }
        server = http.handle(new ReactorHttpHandlerAdapter(RouterFunctions.toHttpHandler(routes))).bindNow();
    }

    @AfterEach
    void stop() {
        server.disposeNow();
    }

    @Test
    void noRequestWaitsForeverAfterAnImmediateRefusal() throws IOException {
        String slow = "GET /slow HTTP/1.1\r\nHost: roster\r\n\r\n";
        String refused = "POST /refused HTTP/1.1\r\nHost: roster\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        int hung = 0;
        for (int i = 0; i < SEQUENCES; i++) {
            try (KeepAliveClient client = new KeepAliveClient(server.port())) {
                assertThat(client.exchange(slow)).startsWith("HTTP/1.1 200");
                assertThat(client.exchange(refused)).startsWith("HTTP/1.1 415");
                try {
                    assertThat(client.exchange(refused)).startsWith("HTTP/1.1 415");
                } catch (SocketTimeoutException e) {
                    hung++;
                }
            }
        }
        assertThat(hung).as("sequences whose third request got no answer").isZero();
    }

    private static Object rosterKitSetting(String name) throws IOException {
        List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("roster-kit", new ClassPathResource("roster-kit.yml"));
        return sources.stream().map(source -> source.getProperty(name)).filter(value -> value != null).findFirst().orElse(null);
    }

    /** One connection kept open between requests until the server answers {@code Connection: close}. */
    private static final class KeepAliveClient implements AutoCloseable {
        private final int port;
        private Socket socket;

        KeepAliveClient(int port) {
            this.port = port;
        }

        /** Writes one request and reads its whole answer: the head, then Content-Length bytes of body. */
        String exchange(String request) throws IOException {
            if (socket == null) {
                socket = new Socket("127.0.0.1", port);
                socket.setSoTimeout(2000);
            }
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int next = in.read();
                if (next < 0) {
                    throw new IOException("The server closed the connection after: " + head);
                }
                head.write(next);
            }
            String text = head.toString(StandardCharsets.US_ASCII);
            int length = header(text, "content-length").map(Integer::parseInt).orElse(0);
            String answer = text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
            if (header(text, "connection").filter("close"::equalsIgnoreCase).isPresent()) {
                close();
            }
            return answer;
        }

        private static Optional<String> header(String head, String name) {
            return head.lines().filter(line -> line.toLowerCase(Locale.ROOT).startsWith(name + ":"))
                    .map(line -> line.substring(name.length() + 1).trim()).findFirst();
        }

        @Override
        public void close() throws IOException {
            if (socket != null) {
                socket.close();
                socket = null;
            }
        }
    }
}

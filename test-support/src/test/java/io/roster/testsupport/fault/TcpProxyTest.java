package io.roster.testsupport.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy over real loopback sockets, in front of an echo server. */
class TcpProxyTest {

    private ServerSocket echoServer;
    private TcpProxy proxy;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void startAnEchoServerBehindTheProxy() throws IOException {
        echoServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::echoEveryConnection, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = TcpProxy.start(0, "127.0.0.1", echoServer.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        proxy.close();
        echoServer.close();
    }

    @Test
    void passesBytesBothWays() throws IOException {
        Socket client = connect();

        assertThat(roundTrip(client, "hello")).isEqualTo("hello");
        assertThat(roundTrip(client, "again")).isEqualTo("again");
        assertThat(proxy.mode()).isEqualTo(TcpProxy.Mode.PASS);
        assertThat(proxy.bytesForwarded()).isEqualTo(20);
        assertThat(proxy.openConnections()).isEqualTo(1);
    }

    @Test
    void aDelayHoldsEachChunkThatLongInEachDirection() throws IOException {
        Socket client = connect();
        proxy.delay(Duration.ofMillis(300));

        long started = System.nanoTime();
        assertThat(roundTrip(client, "slow")).isEqualTo("slow");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        // once on the way to the echo server, once on the way back
        assertThat(tookMillis).isGreaterThanOrEqualTo(600);
        proxy.pass();
        started = System.nanoTime();
        assertThat(roundTrip(client, "fast")).isEqualTo("fast");
        // without the delay the round trip no longer takes its two 300 ms holds (a loaded machine may still be slow)
        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(600);
    }

    @Test
    void aBlackHoleForwardsNothingAndClosesNothingUntilHealed() throws IOException {
        Socket open = connect();
        assertThat(roundTrip(open, "before")).isEqualTo("before");
        proxy.blackhole();

        send(open, "held");
        assertThat(nothingArrivesWithin(open, Duration.ofMillis(700))).as("no answer through a black hole").isTrue();
        Socket opened = connect();
        send(opened, "new");
        assertThat(nothingArrivesWithin(opened, Duration.ofMillis(300)))
                .as("a new connection is accepted, yet nothing flows on it").isTrue();
        assertThat(proxy.openConnections()).isEqualTo(2);

        proxy.heal();
        assertThat(receive(open, 4)).as("the bytes held in the black hole arrive after the heal").isEqualTo("held");
        assertThat(receive(opened, 3)).isEqualTo("new");
        assertThat(roundTrip(open, "after")).isEqualTo("after");
    }

    @Test
    void aHealEndsADelayAtOnce() throws IOException {
        Socket client = connect();
        proxy.delay(Duration.ofSeconds(30));
        send(client, "waiting");
        assertThat(nothingArrivesWithin(client, Duration.ofMillis(300))).isTrue();

        proxy.heal();
        assertThat(receive(client, 7)).isEqualTo("waiting");
    }

    @Test
    void cutAllResetsOpenConnectionsAndNewOnesUntilHealed() throws IOException {
        Socket open = connect();
        assertThat(roundTrip(open, "before")).isEqualTo("before");

        proxy.cutAll();
        assertThatThrownBy(() -> {
            send(open, "lost");
            receive(open, 4);
        }).as("the open connection was reset").isInstanceOf(IOException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
        // the reset may even reach the client before its connect() returned (a busy machine): then connect() throws it
        assertThatThrownBy(() -> {
            Socket refused = connect();
            send(refused, "refused");
            receive(refused, 7);
        }).as("a new connection is reset right after it was accepted").isInstanceOf(IOException.class);

        proxy.heal();
        assertThat(roundTrip(connect(), "healed")).isEqualTo("healed");
        assertThat(proxy.connectionsAccepted()).isEqualTo(3);
    }

    @Test
    void anEndOfStreamIsPassedOnAsAHalfClose() throws IOException {
        Socket client = connect();
        send(client, "last words");
        client.shutdownOutput();

        assertThat(receive(client, 10)).isEqualTo("last words");
        client.setSoTimeout(5_000);
        assertThat(client.getInputStream().read()).as("the echo server closed after our end of stream").isEqualTo(-1);
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.openConnections() == 0);
    }

    @Test
    void closingStopsListening() throws IOException {
        // below the ephemeral range (32768-60999), where no client socket and no port-0 server can draw the closed port:
        // a port-0 proxy's port was once taken by another build's server right after the close, and a connect succeeded
        // (TestPorts' blocks end at 31999; nothing else binds this one)
        int port = 30_990;
        TcpProxy fixed = TcpProxy.start(port, "127.0.0.1", echoServer.getLocalPort());
        long accepted = fixed.connectionsAccepted();
        fixed.close();

        try (Socket late = new Socket()) {
            assertThatThrownBy(() -> late.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000))
                    .as("connecting to a closed proxy").isInstanceOf(IOException.class);
        }
        assertThat(fixed.connectionsAccepted()).isEqualTo(accepted);
    }

    // ---------------------------------------------------------------------------------------------------------

    private Socket connect() throws IOException {
        Socket client = new Socket();
        clients.add(client);
        client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()), 2_000);
        return client;
    }

    private static String roundTrip(Socket client, String text) throws IOException {
        send(client, text);
        return receive(client, text.length());
    }

    private static void send(Socket client, String text) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Exactly {@code length} bytes, within 5 s. */
    private static String receive(Socket client, int length) throws IOException {
        client.setSoTimeout(5_000);
        byte[] bytes = client.getInputStream().readNBytes(length);
        if (bytes.length < length) {
            throw new IOException("end of stream after " + bytes.length + " of " + length + " bytes");
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    private static boolean nothingArrivesWithin(Socket client, Duration wait) throws IOException {
        client.setSoTimeout((int) wait.toMillis());
        try {
            client.getInputStream().read();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    private void echoEveryConnection() {
        while (!echoServer.isClosed()) {
            try {
                Socket connection = echoServer.accept();
                Thread echo = new Thread(() -> echo(connection), "echo");
                echo.setDaemon(true);
                echo.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void echo(Socket connection) {
        try (connection; InputStream in = connection.getInputStream(); OutputStream out = connection.getOutputStream()) {
            byte[] buffer = new byte[1024];
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}

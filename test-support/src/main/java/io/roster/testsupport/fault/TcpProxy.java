package io.roster.testsupport.fault;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy that puts a real network fault between a client and a server: it listens on 127.0.0.1, forwards
 * every connection to its target, and can be told to misbehave the way a network does.
 * <ul>
 *   <li>{@link #pass()} forwards everything (the start).</li>
 *   <li>{@link #delay(Duration)} holds every chunk it read for that long before forwarding it: a slow link.</li>
 *   <li>{@link #blackhole()} forwards nothing any more, in either direction, on open and new connections alike,
 *       yet closes none: a partition as the peers see it (writes are accepted until the buffers fill, reads wait,
 *       only timeouts end them).</li>
 *   <li>{@link #cutAll()} resets every open connection and resets every new one right after accepting it: a
 *       peer that crashed or a firewall that rejects.</li>
 *   <li>{@link #heal()} ends any of these: bytes held during a delay or a black hole are delivered then, in order,
 *       as TCP delivers what it retransmitted once a partition is over; cut connections stay cut.</li>
 * </ul>
 * Each connection is two threads (one per direction) doing blocking reads and writes; at most one chunk per
 * direction is held while the link misbehaves, the rest waits in the sockets' buffers (back-pressure, as in a real
 * network). Meant for tests: a few hundred connections, not a production load.
 */
public final class TcpProxy implements AutoCloseable {

    /** What the link does to the bytes it carries. */
    public enum Mode { PASS, DELAY, BLACKHOLE, CUT }

    private static final int CHUNK = 16 * 1024;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition modeChanged = lock.newCondition();
    private final AtomicLong bytesForwarded = new AtomicLong();
    private final AtomicLong connectionsAccepted = new AtomicLong();
    private volatile Mode mode = Mode.PASS;
    private volatile long delayNanos;
    private volatile boolean closed;
    private final Thread acceptor;

    private TcpProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + listener.getLocalPort() + "-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Listens on 127.0.0.1:{@code port} ({@code 0}: any free port, see {@link #port()}) and forwards to
     * {@code targetHost:targetPort}, in {@link Mode#PASS}.
     */
    public static TcpProxy start(int port, String targetHost, int targetPort) {
        try {
            ServerSocket listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            TcpProxy proxy = new TcpProxy(listener, new InetSocketAddress(targetHost, targetPort));
            proxy.acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("the proxy cannot listen on 127.0.0.1:" + port, e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    public Mode mode() {
        return mode;
    }

    /** Connections open right now (a cut or closed one is gone). */
    public int openConnections() {
        return connections.size();
    }

    /** Connections accepted since the start, refused ones included. */
    public long connectionsAccepted() {
        return connectionsAccepted.get();
    }

    /** Bytes delivered so far, both directions together. */
    public long bytesForwarded() {
        return bytesForwarded.get();
    }

    /** Forwards everything at once (the mode at the start). */
    public void pass() {
        change(Mode.PASS, 0);
    }

    /** Ends any fault: the same as {@link #pass()}. */
    public void heal() {
        pass();
    }

    /** Each chunk read (a TCP segment or a few) is forwarded {@code perChunk} after it arrived. */
    public void delay(Duration perChunk) {
        if (perChunk.isNegative()) {
            throw new IllegalArgumentException("a delay cannot be negative: " + perChunk);
        }
        change(Mode.DELAY, perChunk.toNanos());
    }

    /** Nothing is forwarded any more, and nothing is closed, until {@link #heal()}. */
    public void blackhole() {
        change(Mode.BLACKHOLE, 0);
    }

    /** Resets every open connection, and every new one as soon as it is accepted, until {@link #heal()}. */
    public void cutAll() {
        change(Mode.CUT, 0);
        connections.forEach(Connection::reset);
    }

    /**
     * Stops listening and resets every connection. Returns once the port is closed: a socket closed while another
     * thread is blocked in its accept is closed for good only when that accept returns (the JDK closes it then, and the
     * kernel keeps the listener until the call ends), so a connect right after close could still be accepted by the
     * kernel. Waiting for the accepting thread to end closes that window.
     */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing: nothing left to do with it
        }
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.forEach(Connection::reset);
        change(Mode.CUT, 0);
    }

    private void change(Mode newMode, long newDelayNanos) {
        lock.lock();
        try {
            delayNanos = newDelayNanos;
            mode = newMode;
            modeChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            connectionsAccepted.incrementAndGet();
            if (mode == Mode.CUT) {
                resetQuietly(client);
                continue;
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                // the target itself is down: the client sees what it would see without the proxy, a reset
                resetQuietly(client);
                resetQuietly(upstream);
                continue;
            }
            new Connection(client, upstream).start();
        }
    }

    /**
     * Waits until a chunk read at {@code readAt} (System.nanoTime) may be forwarded: at once when passing, after the
     * delay, never while black-holed. A change of mode wakes every waiter, so that {@link #heal()} releases held
     * chunks at once.
     *
     * @return false when the connection was reset meanwhile (the chunk must be dropped)
     */
    private boolean awaitForwarding(Connection connection, long readAt) throws InterruptedException {
        lock.lock();
        try {
            while (!connection.isReset()) {
                Mode now = mode;
                if (now == Mode.PASS) {
                    return true;
                }
                if (now == Mode.DELAY) {
                    long wait = readAt + delayNanos - System.nanoTime();
                    if (wait <= 0) {
                        return true;
                    }
                    modeChanged.awaitNanos(wait);
                } else {
                    // BLACKHOLE, or CUT before this connection's reset reached it
                    modeChanged.await(1, TimeUnit.SECONDS);
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private static void resetQuietly(Socket socket) {
        try {
            // linger 0: close sends a RST instead of a FIN, as a crashed peer or a rejecting firewall does
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed
        }
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /** One proxied connection: a client socket, its upstream socket and one pump per direction. */
    private final class Connection {
        private final Socket client;
        private final Socket upstream;
        private volatile boolean reset;
        private int pumpsRunning = 2;

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            connections.add(this);
            String name = "tcp-proxy-" + port() + "-" + client.getPort();
            startPump(client, upstream, name + "-up");
            startPump(upstream, client, name + "-down");
        }

        boolean isReset() {
            return reset;
        }

        void reset() {
            reset = true;
            connections.remove(this);
            resetQuietly(client);
            resetQuietly(upstream);
            lock.lock();
            try {
                modeChanged.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void startPump(Socket from, Socket to, String name) {
            Thread pump = new Thread(() -> pump(from, to), name);
            pump.setDaemon(true);
            pump.start();
        }

        /** Copies one direction until its end of stream (passed on as a half-close) or an error (a reset of both). */
        private void pump(Socket from, Socket to) {
            byte[] chunk = new byte[CHUNK];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(chunk)) >= 0) {
                    if (!awaitForwarding(this, System.nanoTime())) {
                        return;
                    }
                    // counted before the write: the peer may answer (and a test read the count) before write returns
                    bytesForwarded.addAndGet(read);
                    out.write(chunk, 0, read);
                    out.flush();
                }
                to.shutdownOutput();
                pumpFinished();
            } catch (IOException e) {
                reset();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                reset();
            }
        }

        /** Both directions ended cleanly: the connection is over. */
        private void pumpFinished() {
            boolean last;
            synchronized (this) {
                last = --pumpsRunning == 0;
            }
            if (last) {
                connections.remove(this);
                try {
                    client.close();
                    upstream.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}

package com.mstore.hub.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of a Kafka broker that reads the Kafka protocol's framing and, when armed,
 * holds back the broker's answer to the next transaction commit (an EndTxn request, API key 26):
 * the commit reaches the broker and is done there, while the client sees no answer and times out,
 * not knowing the outcome. It can also cut every connection and refuse new ones, as a broker that
 * went down would. Everything else passes through untouched. The broker must advertise the proxy's
 * port, so that clients keep coming through it after their first metadata request.
 */
public final class KafkaStallingProxy implements AutoCloseable {

    private static final short END_TXN = 26;

    private final ServerSocket server;
    private final int brokerPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicReference<Duration> armed = new AtomicReference<>();
    private final AtomicInteger stalled = new AtomicInteger();
    private volatile boolean open = true;
    private volatile boolean cut;

    public KafkaStallingProxy(int port, int brokerPort) throws IOException {
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        this.brokerPort = brokerPort;
        Thread acceptor = new Thread(this::accept, "kafka-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** The next EndTxn answer is held back this long (then passed on, if the client still listens). */
    public void stallNextCommitAnswer(Duration stall) {
        armed.set(stall);
    }

    /** Kafka is unreachable from now on: every connection is closed, new ones are closed at once. */
    public void cut() {
        cut = true;
        sockets.forEach(KafkaStallingProxy::closeQuietly);
        sockets.clear();
    }

    /** Kafka is reachable again. */
    public void restore() {
        cut = false;
    }

    /** How many commit answers were held back so far. */
    public int stalled() {
        return stalled.get();
    }

    private void accept() {
        while (open) {
            try {
                Socket client = server.accept();
                if (cut) {
                    closeQuietly(client);
                    continue;
                }
                Socket broker = new Socket(InetAddress.getLoopbackAddress(), brokerPort);
                sockets.add(client);
                sockets.add(broker);
                Set<Integer> commits = ConcurrentHashMap.newKeySet();
                pump("kafka-proxy-requests", client, broker, frame -> {
                    if (frame.length >= 8 && (short) ((frame[0] & 0xff) << 8 | frame[1] & 0xff) == END_TXN) {
                        commits.add(intAt(frame, 4));
                    }
                });
                pump("kafka-proxy-answers", broker, client, frame -> {
                    if (frame.length >= 4 && commits.remove(intAt(frame, 0))) {
                        Duration stall = armed.getAndSet(null);
                        if (stall != null) {
                            stalled.incrementAndGet();
                            try {
                                Thread.sleep(stall.toMillis());
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    }
                });
            } catch (IOException e) {
                if (open) {
                    throw new IllegalStateException("the Kafka proxy stopped accepting", e);
                }
            }
        }
    }

    private interface FrameListener {
        void onFrame(byte[] frame);
    }

    /** Copies size-prefixed Kafka frames from one socket to the other, telling the listener of each first. */
    private void pump(String name, Socket from, Socket to, FrameListener listener) {
        Thread thread = new Thread(() -> {
            try (DataInputStream in = new DataInputStream(from.getInputStream());
                 DataOutputStream out = new DataOutputStream(to.getOutputStream())) {
                while (true) {
                    int size = in.readInt();
                    byte[] frame = new byte[size];
                    in.readFully(frame);
                    listener.onFrame(frame);
                    out.writeInt(size);
                    out.write(frame);
                    out.flush();
                }
            } catch (IOException closed) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static int intAt(byte[] frame, int at) {
        return (frame[at] & 0xff) << 24 | (frame[at + 1] & 0xff) << 16 | (frame[at + 2] & 0xff) << 8 | frame[at + 3] & 0xff;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        server.close();
        sockets.forEach(KafkaStallingProxy::closeQuietly);
    }
}

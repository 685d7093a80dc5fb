package com.mstore.hub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A plain TCP proxy in front of a server that counts the connections clients open through it, and
 * can close them all at once, as a server dropping its idle sessions would. In front of an SMTP
 * server it can also hold back the server's reply to the end of each mail, as a server that scans or
 * relays a mail before it answers would: the server has already accepted the mail by then.
 */
public final class CountingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean open = true;
    private volatile Duration finalReplyDelay = Duration.ZERO;

    public CountingProxy(int targetPort) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        Thread acceptor = new Thread(() -> {
            while (open) {
                try {
                    Socket client = server.accept();
                    Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    connections.incrementAndGet();
                    sockets.add(client);
                    sockets.add(target);
                    AtomicBoolean mailEnded = new AtomicBoolean();
                    pump(client, target, "counting-proxy-to-server", chunk -> {
                        if (endsMail(chunk)) {
                            mailEnded.set(true);
                        }
                    });
                    pump(target, client, "counting-proxy-to-client", chunk -> {
                        if (mailEnded.getAndSet(false) && !finalReplyDelay.isZero()) {
                            slowServer(finalReplyDelay);
                        }
                    });
                } catch (IOException e) {
                    // closed, or the target refused: the client sees its connection fail
                }
            }
        }, "counting-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Connections opened through the proxy so far. */
    public int connections() {
        return connections.get();
    }

    /** From now on, each reply of the server to the end of a mail reaches its client this much later. */
    public void delayFinalReplies(Duration delay) {
        finalReplyDelay = delay;
    }

    /** Closes every connection open through the proxy. */
    public void dropAll() {
        sockets.forEach(CountingProxy::closeQuietly);
        sockets.clear();
    }

    /** A client's chunk that holds the end of a mail's data: a line of a lone dot (RFC 5321 4.1.1.4). */
    private static boolean endsMail(String chunk) {
        return chunk.endsWith("\r\n.\r\n") || chunk.equals(".\r\n");
    }

    /** Copies one direction, chunk by chunk, telling {@code before} of each chunk before it passes. */
    private void pump(Socket from, Socket to, String name, Consumer<String> before) {
        Thread thread = new Thread(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[16 * 1024];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    before.accept(new String(buffer, 0, read, StandardCharsets.ISO_8859_1));
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException closed) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** The fault this proxy plays, not a test waiting for a result: a server that takes this long. */
    private static void slowServer(Duration delay) {
        try {
            Thread.sleep(delay.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        dropAll();
    }
}

package com.mstore.hub.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Properties;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * One SMTP session whose reply to the end of a mail may take far longer than its other replies.
 * RFC 5321 (4.5.3.2) asks a client to wait 10 minutes for it, since the server may scan or relay
 * the mail first, and 5 minutes or less for the others. JavaMail has one read timeout for all; this
 * transport raises it on its own socket for that one reply and lowers it after, and says whether a
 * failure came while that reply was awaited: then the server may have accepted the mail.
 */
final class FinalReplyTransport extends SMTPTransport {

    private final RememberingSockets sockets;
    private final int replyTimeoutMillis;
    private final int finalReplyTimeoutMillis;
    private volatile boolean awaitingFinalReply;

    private FinalReplyTransport(Session session, RememberingSockets sockets, Duration replyTimeout, Duration finalReplyTimeout) {
        super(session, new URLName("smtp", null, -1, null, null, null), "smtp", false);
        this.sockets = sockets;
        this.replyTimeoutMillis = Math.toIntExact(replyTimeout.toMillis());
        this.finalReplyTimeoutMillis = Math.toIntExact(finalReplyTimeout.toMillis());
    }

    /**
     * A transport not yet connected, on a session of its own built from {@code properties} (the
     * socket factory it needs is the session's).
     */
    static FinalReplyTransport create(Properties properties, Duration replyTimeout, Duration finalReplyTimeout) {
        boolean tlsFromTheStart = Boolean.parseBoolean(properties.getProperty("mail.smtp.ssl.enable", "false"));
        RememberingSockets sockets = new RememberingSockets(tlsFromTheStart
                ? SSLSocketFactory.getDefault() : SocketFactory.getDefault());
        Properties own = new Properties();
        own.putAll(properties);
        // an instance, not a class name: JavaMail takes it from the session's properties as it is
        own.put(tlsFromTheStart ? "mail.smtp.ssl.socketFactory" : "mail.smtp.socketFactory", sockets);
        return new FinalReplyTransport(Session.getInstance(own), sockets, replyTimeout, finalReplyTimeout);
    }

    @Override
    protected void finishData() throws IOException, MessagingException {
        // STARTTLS layers TLS over this socket, whose read timeout still applies beneath it
        Socket socket = sockets.last;
        awaitingFinalReply = true;
        socket.setSoTimeout(finalReplyTimeoutMillis);
        super.finishData();
        awaitingFinalReply = false;
        socket.setSoTimeout(replyTimeoutMillis);
    }

    /** True when the last send failed after the whole mail was written: its outcome is unknown. */
    boolean failedAwaitingFinalReply() {
        return awaitingFinalReply;
    }

    Duration finalReplyTimeout() {
        return Duration.ofMillis(finalReplyTimeoutMillis);
    }

    /** Makes the session's sockets as its delegate would, and keeps the last one it made. */
    private static final class RememberingSockets extends SocketFactory {
        private final SocketFactory delegate;
        private volatile Socket last;

        RememberingSockets(SocketFactory delegate) {
            this.delegate = delegate;
        }

        private Socket remember(Socket socket) {
            last = socket;
            return socket;
        }

        @Override
        public Socket createSocket() throws IOException {
            return remember(delegate.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return remember(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return remember(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return remember(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return remember(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}

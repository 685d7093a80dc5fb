package com.mstore.hub.smtp;

import java.io.IOException;
import java.time.Duration;
import java.util.Date;
import java.util.Properties;

import com.mstore.hub.emails.MailFailures;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.component.mail.JavaMailSender;
import org.apache.camel.component.mail.MailAuthenticator;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-mail's sender, with SMTP sessions kept open: camel-mail's own sender connects, says EHLO,
 * logs in and quits for every mail, which costs more than the mail itself. Sessions are pooled with
 * Apache Commons Pool (at most {@code poolSize}, one per worker sending at once): checked with NOOP
 * while idle, closed after {@code maxIdle} unused (well before a server's own idle timeout), and a
 * session the server dropped in between is replaced. Login and TLS are those of the session's
 * properties ({@code mstore.smtp.*}).
 *
 * <p>A mail that fails on a session that had already sent (the server closed it meanwhile, which
 * shows at its first command) is sent once more on a new session, and the other idle sessions are
 * closed too. A refusal with an SMTP reply (4xx, 5xx) is not: it goes back to the flow, which
 * retries or dead-letters it (MailFailures); nor is a mail whose final reply never came
 * ({@link MailOutcomeUnknownException}), which the server may have accepted. That reply is awaited
 * longer than the others ({@link FinalReplyTransport}).
 */
public class PooledMailSender implements JavaMailSender, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PooledMailSender.class);

    /** A connected SMTP session and how many mails it has sent. */
    private static final class Connection {
        final FinalReplyTransport transport;
        int sent;

        Connection(FinalReplyTransport transport) {
            this.transport = transport;
        }
    }

    private final String host;
    private final int port;
    private final String username;
    private final String password;
    private final Session session;
    private final Duration replyTimeout;
    private final Duration finalReplyTimeout;
    private final GenericObjectPool<Connection> pool;

    /**
     * @param replyTimeout how long to wait to connect and for each reply but the last (also the read
     *                     timeout of {@code javaMailProperties})
     * @param finalReplyTimeout how long to wait for the reply to the end of a mail
     */
    public PooledMailSender(String host, int port, Properties javaMailProperties, String username, String password,
                            int poolSize, Duration maxIdle, Duration replyTimeout, Duration finalReplyTimeout) {
        this.host = host;
        this.port = port;
        this.username = username == null || username.isBlank() ? null : username;
        this.password = this.username == null ? null : password;
        this.session = Session.getInstance(javaMailProperties);
        this.replyTimeout = replyTimeout;
        this.finalReplyTimeout = finalReplyTimeout;
        GenericObjectPoolConfig<Connection> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(poolSize);
        config.setMaxIdle(poolSize);
        config.setMinIdle(0);
        config.setBlockWhenExhausted(true);
        // a worker waits for a session at most as long as it would to connect
        config.setMaxWait(replyTimeout);
        config.setTestWhileIdle(true);
        config.setTimeBetweenEvictionRuns(maxIdle.dividedBy(2));
        config.setMinEvictableIdleDuration(maxIdle);
        config.setJmxEnabled(false);
        this.pool = new GenericObjectPool<>(new SessionFactory(), config);
    }

    private final class SessionFactory extends BasePooledObjectFactory<Connection> {
        @Override
        public Connection create() throws MessagingException {
            FinalReplyTransport transport = FinalReplyTransport.create(session.getProperties(), replyTimeout, finalReplyTimeout);
            transport.connect(host, port, username, password);
            LOG.debug("SMTP session to {}:{} opened", host, port);
            return new Connection(transport);
        }

        @Override
        public PooledObject<Connection> wrap(Connection connection) {
            return new DefaultPooledObject<>(connection);
        }

        /** JavaMail's isConnected sends NOOP: false when the server has gone. */
        @Override
        public boolean validateObject(PooledObject<Connection> pooled) {
            return pooled.getObject().transport.isConnected();
        }

        @Override
        public void destroyObject(PooledObject<Connection> pooled) {
            try {
                pooled.getObject().transport.close();
            } catch (MessagingException ignored) {
                // a session the server already dropped
            }
        }
    }

    @Override
    public void send(MimeMessage message) throws MessagingException {
        if (message.getSentDate() == null) {
            message.setSentDate(new Date());
        }
        String messageId = message.getMessageID();
        message.saveChanges();
        if (messageId != null) {
            // saveChanges replaces an explicit message id
            message.setHeader("Message-ID", messageId);
        }
        Connection connection = borrow();
        try {
            send(connection, message);
        } catch (MessagingException failed) {
            boolean refused = MailFailures.smtpReplyCode(failed) != null;
            if (!refused && connection.transport.failedAwaitingFinalReply()) {
                // the server had the whole mail and may have accepted it: sent again here, it could
                // arrive twice; the flow decides whether to try again
                throw new MailOutcomeUnknownException(host + ":" + port + " gave no reply to the end of the mail within "
                        + finalReplyTimeout.toSeconds() + " s (mstore.smtp.final-reply-timeout): it may have been delivered", failed);
            }
            if (connection.sent == 0 || refused || !causedByIo(failed)) {
                throw failed;
            }
            // what closed one idle session (a server restart, its idle timeout) most likely closed the others
            LOG.info("SMTP session to {}:{} was closed by the server: sending on a new one", host, port);
            pool.clear();
            send(borrow(), message);
        }
    }

    private void send(Connection connection, MimeMessage message) throws MessagingException {
        try {
            connection.transport.sendMessage(message, message.getAllRecipients());
            connection.sent++;
            pool.returnObject(connection);
        } catch (MessagingException | RuntimeException failed) {
            // after a failure the session's state is unknown: it is not used again
            invalidate(connection);
            throw failed;
        }
    }

    private Connection borrow() throws MessagingException {
        try {
            return pool.borrowObject();
        } catch (MessagingException e) {
            throw e;
        } catch (Exception e) {
            throw new MessagingException("no SMTP session to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private void invalidate(Connection connection) {
        try {
            pool.invalidateObject(connection);
        } catch (Exception ignored) {
            // destroying a broken session
        }
    }

    private static boolean causedByIo(Throwable error) {
        for (Throwable t = error; t != null; t = t instanceof MessagingException m && m.getNextException() != null
                ? m.getNextException() : t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** Sessions open now, in use or idle. */
    public int openSessions() {
        return pool.getNumActive() + pool.getNumIdle();
    }

    @Override
    public void close() {
        pool.close();
    }

    @Override
    public Session getSession() {
        return session;
    }

    @Override
    public Properties getJavaMailProperties() {
        return session.getProperties();
    }

    @Override
    public String getHost() {
        return host;
    }

    @Override
    public int getPort() {
        return port;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public String getPassword() {
        return password;
    }

    @Override
    public String getProtocol() {
        return "smtp";
    }

    @Override
    public MailAuthenticator getAuthenticator() {
        return null;
    }

    // Configured once, from mstore.smtp.*: camel-mail does not set a sender it was given.

    @Override
    public void setJavaMailProperties(Properties javaMailProperties) {
        throw unsupported();
    }

    @Override
    public void addAdditionalJavaMailProperty(String key, String value) {
        throw unsupported();
    }

    @Override
    public void setHost(String host) {
        throw unsupported();
    }

    @Override
    public void setPort(int port) {
        throw unsupported();
    }

    @Override
    public void setUsername(String username) {
        throw unsupported();
    }

    @Override
    public void setPassword(String password) {
        throw unsupported();
    }

    @Override
    public void setProtocol(String protocol) {
        throw unsupported();
    }

    @Override
    public void setSession(Session session) {
        throw unsupported();
    }

    @Override
    public void setAuthenticator(MailAuthenticator authenticator) {
        throw unsupported();
    }

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("the pooled SMTP sender is configured from mstore.smtp.* settings");
    }
}

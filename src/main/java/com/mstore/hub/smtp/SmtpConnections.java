package com.mstore.hub.smtp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;

import javax.net.ssl.SSLSocketFactory;

import com.mstore.hub.brokers.BrokerProbe;
import com.mstore.hub.brokers.ProbedConnection;
import com.mstore.hub.config.InvalidSettingException;
import com.mstore.hub.tls.BrokerTrust;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.Ordered;
import org.apache.camel.PropertyInject;
import org.apache.camel.util.TimeUtils;

/**
 * The SMTP sessions the email worker sends through (flow 3): kept open in a pool, with the login
 * and TLS of {@code mstore.smtp.*} (docs/operations.md, "Credentials and TLS").
 */
@Configuration
public class SmtpConnections implements CamelConfiguration, Ordered {

    /** Wired after the trust and before what uses the connections (a bean that closes them when the hub stops is not made lazily). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST + 1;
    }

    @PropertyInject("mstore.smtp.host")
    private String host;

    @PropertyInject("mstore.smtp.port")
    private int port;

    @PropertyInject(value = "mstore.smtp.username", defaultValue = "")
    private String username;

    @PropertyInject(value = "mstore.smtp.password", defaultValue = "")
    private String password;

    @PropertyInject(value = "mstore.smtp.security", defaultValue = "none")
    private String security;

    @PropertyInject("mstore.smtp.connection-timeout-ms")
    private int connectionTimeoutMs;

    @PropertyInject("mstore.smtp.final-reply-timeout")
    private String finalReplyTimeout;

    @PropertyInject("mstore.smtp.pool-size")
    private int poolSize;

    @PropertyInject("mstore.smtp.max-idle")
    private String maxIdle;

    /**
     * jakarta.mail-api 2.1 looks up its stream provider with a ServiceLoader on every use, several
     * times for each mail (a scan of the class path each time: measured, a third of a worker's CPU).
     * Naming the provider, as the API allows, spares the scan.
     */
    private static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

    /** Each worker sending at once holds one session; idle ones are closed after mstore.smtp.max-idle. */
    @BindToRegistry(value = "smtpSender", destroyMethod = "close")
    public PooledMailSender smtpSender(BrokerTrust brokerTrust) {
        if (System.getProperty(STREAM_PROVIDER) == null) {
            System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
        }
        return new PooledMailSender(host, port, mailProperties(), username, password, poolSize,
                Duration.ofMillis(TimeUtils.toMilliSeconds(maxIdle)), Duration.ofMillis(connectionTimeoutMs),
                Duration.ofMillis(TimeUtils.toMilliSeconds(finalReplyTimeout)));
    }

    /** The SMTP server, for /observe/health: its greeting read and QUIT sent. */
    @BindToRegistry("smtpServer")
    public ProbedConnection smtpServer() {
        boolean tlsFromTheStart = "tls".equalsIgnoreCase(security.trim());
        BrokerProbe probe = new BrokerProbe("SMTP", "mstore.smtp.host", host + ":" + port, timeout -> {
            try (Socket socket = tlsFromTheStart ? SSLSocketFactory.getDefault().createSocket() : new Socket()) {
                socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                socket.setSoTimeout((int) timeout.toMillis());
                BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                String greeting = in.readLine();
                if (greeting == null || !greeting.startsWith("220")) {
                    throw new IllegalStateException("unexpected SMTP greeting: " + greeting);
                }
                OutputStream out = socket.getOutputStream();
                out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        });
        return () -> probe;
    }

    /**
     * JavaMail settings for mstore.smtp.security (none, starttls: upgrade and require it, tls: TLS from
     * the first byte, as on port 465), whether to log in, and the timeouts of every SMTP call; the
     * server's name is checked on TLS (against the CAs of BrokerTrust, the JVM default by then).
     */
    Properties mailProperties() {
        Properties properties = new Properties();
        properties.setProperty("mail.smtp.auth", String.valueOf(!username.isBlank()));
        properties.setProperty("mail.smtp.connectiontimeout", String.valueOf(connectionTimeoutMs));
        properties.setProperty("mail.smtp.timeout", String.valueOf(connectionTimeoutMs));
        properties.setProperty("mail.smtp.writetimeout", String.valueOf(connectionTimeoutMs));
        switch (security.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> { }
            case "starttls" -> {
                properties.setProperty("mail.smtp.starttls.enable", "true");
                properties.setProperty("mail.smtp.starttls.required", "true");
                properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            case "tls" -> {
                properties.setProperty("mail.smtp.ssl.enable", "true");
                properties.setProperty("mail.smtp.ssl.checkserveridentity", "true");
            }
            default -> throw new InvalidSettingException("mstore.smtp.security", security, "is not none, starttls or tls");
        }
        return properties;
    }
}

package com.mstore.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.NatsServer;
import com.mstore.hub.local.Ports;
import com.mstore.hub.local.RabbitMqServer;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import com.mstore.hub.testing.TestCertificates;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * NATS and RabbitMQ that speak only TLS, with a certificate from a CA made for this test, and admit
 * one user: the hub connects with the user of its URLs (tls://, amqps://) and the CA of
 * mstore.tls.ca-file, its flows work over those connections, it refuses a certificate it was not
 * told to trust, and neither password is ever logged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrokerTlsTest {

    private static final String USER = "hub";
    private static final String NATS_SECRET = "nats-Pa55-4e1d7a";
    private static final String RABBIT_SECRET = "rabbit-Pa55-b83c21";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    /** The names every hub of the class shares (it publishes to them). */
    private final Map<String, String> names = TestBrokers.hubSettings();
    private TestCertificates certificates;
    private NatsServer nats;
    private RabbitMqServer rabbit;
    private GreenMailSmtp smtp;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    void startSecuredBrokers(@TempDir Path directory) {
        logs.list = new CopyOnWriteArrayList<>();
        logs.start();
        root().addAppender(logs);
        certificates = TestCertificates.create(directory);
        nats = NatsServer.startWithTlsAndUser(Ports.free(), certificates.serverCertificate(), certificates.serverKey(),
                USER, NATS_SECRET);
        rabbit = RabbitMqServer.startWithTlsAndUser(Ports.free(), certificates.caFile(), certificates.serverCertificate(),
                certificates.serverKey(), USER, RABBIT_SECRET, certificates.clientContext());
        smtp = GreenMailSmtp.start(Ports.free());
    }

    @AfterAll
    void stopBrokers() {
        smtp.close();
        rabbit.close();
        nats.close();
        root().detachAppender(logs);
    }

    /** Runs first: later hubs install the test CA as the JVM's default trust. */
    @Test
    @Order(1)
    void aCertificateFromAnUntrustedCaIsRefused() throws Exception {
        Map<String, String> settings = securedSettings();
        settings.remove("mstore.tls.ca-file");
        settings.put("mstore.startup.require-brokers", "false");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(checkState(hub, "broker-nats")).isEqualTo("DOWN");
                assertThat(checkState(hub, "broker-rabbitmq")).isEqualTo("DOWN");
            });
        }
    }

    @Test
    @Order(2)
    void theFlowsWorkOverTlsWithTheConfiguredUsers() throws Exception {
        try (RunningHub hub = RunningHub.startWith(securedSettings())) {
            assertThat(checkState(hub, "broker-nats")).isEqualTo("UP");
            assertThat(checkState(hub, "broker-rabbitmq")).isEqualTo("UP");

            Options natsOptions = new Options.Builder().server("tls://localhost:" + nats.port())
                    .userInfo(USER, NATS_SECRET).sslContext(certificates.clientContext()).build();
            try (Connection client = Nats.connect(natsOptions)) {
                Message reply = client.request(names.get("mstore.orders.request-subject"),
                        "{\"orderId\": \"ORD-TLS\"}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
                assertThat(reply).isNotNull();
                assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).contains("Order not found");
            }

            try (com.rabbitmq.client.Connection connection = rabbitClient().newConnection()) {
                Channel channel = connection.createChannel();
                channel.basicPublish("", names.get("mstore.emails.queue"), new AMQP.BasicProperties.Builder().deliveryMode(2).build(),
                        ("{\"jobId\": \"JOB-TLS-" + run + "\", \"type\": \"order_confirmation\", \"to\": \"tls@example.com\", "
                                + "\"orderId\": \"ORD-TLS\"}").getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(PATIENCE).until(() -> smtp.mailbox().getReceivedMessages().length == 1);
        }
    }

    @Test
    @Order(3)
    void aWrongPasswordIsRefusedAndNeverLogged() throws Exception {
        Map<String, String> settings = securedSettings();
        settings.put("mstore.nats.servers", "tls://" + USER + ":wrong-" + NATS_SECRET + "@localhost:" + nats.port());
        settings.put("mstore.rabbitmq.addresses", "amqps://" + USER + ":wrong-" + RABBIT_SECRET + "@localhost:" + rabbit.port() + "/");
        settings.put("mstore.startup.require-brokers", "false");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(checkState(hub, "broker-nats")).isEqualTo("DOWN");
                assertThat(checkState(hub, "broker-rabbitmq")).isEqualTo("DOWN");
            });
            for (String path : new String[] {"/observe/health", "/observe/health/ready", "/observe/metrics"}) {
                assertThat(hub.get(path).body()).as(path).doesNotContain(NATS_SECRET).doesNotContain(RABBIT_SECRET);
            }
        }
        assertThat(logs.list).isNotEmpty();
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(line).doesNotContain(NATS_SECRET).doesNotContain(RABBIT_SECRET)
                    .as("the RabbitMQ client was never set to trust any certificate").doesNotContain("trusts every certificate");
        }
    }

    /**
     * A NATS server whose certificate, from the trusted CA, names another host: the hub must not
     * hand it the NATS password. The JDK's default context would accept it (jnats asks for no host
     * name check), so the refusal must be the name check's.
     */
    @Test
    @Order(4)
    void aCertificateForAnotherHostIsRefused() throws Exception {
        try (NatsServer impostor = NatsServer.startWithTlsAndUser(Ports.free(), certificates.elsewhereCertificate(),
                certificates.elsewhereKey(), USER, NATS_SECRET)) {
            Map<String, String> settings = securedSettings();
            settings.put("mstore.nats.servers", "tls://" + USER + ":" + NATS_SECRET + "@localhost:" + impostor.port());
            settings.put("mstore.startup.require-brokers", "false");
            // each health request probes NATS anew: the same user, password and CA that connect
            // in the test before, so DOWN is the host name check refusing the certificate
            try (RunningHub hub = RunningHub.startWith(settings)) {
                await().atMost(PATIENCE).untilAsserted(() -> assertThat(checkState(hub, "broker-nats")).isEqualTo("DOWN"));
                assertThat(checkState(hub, "broker-rabbitmq")).isEqualTo("UP");
            }
        }
    }

    private Map<String, String> securedSettings() {
        Map<String, String> settings = new java.util.HashMap<>(names);
        settings.put("mstore.nats.servers", "tls://" + USER + ":" + NATS_SECRET + "@localhost:" + nats.port());
        settings.put("mstore.rabbitmq.addresses", "amqps://" + USER + ":" + RABBIT_SECRET + "@localhost:" + rabbit.port() + "/");
        settings.put("mstore.tls.ca-file", certificates.caFile().toString());
        settings.put("mstore.smtp.port", String.valueOf(smtp.port()));
        return settings;
    }

    private ConnectionFactory rabbitClient() {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("localhost");
        factory.setPort(rabbit.port());
        factory.setUsername(USER);
        factory.setPassword(RABBIT_SECRET);
        factory.useSslProtocol(certificates.clientContext());
        factory.enableHostnameVerification();
        return factory;
    }

    /** The state of one check in /observe/health (every check: exposure level full). */
    private static String checkState(RunningHub hub, String check) throws Exception {
        var health = new com.fasterxml.jackson.databind.ObjectMapper().readTree(hub.get("/observe/health?exposureLevel=full").body());
        for (var entry : health.path("checks")) {
            if (check.equals(entry.path("name").asText())) {
                return entry.path("status").asText();
            }
        }
        throw new AssertionError("no check " + check + " in " + health);
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}

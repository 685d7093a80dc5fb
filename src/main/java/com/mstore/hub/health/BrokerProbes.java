package com.mstore.hub.health;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import javax.net.ssl.SSLSocketFactory;

import com.mstore.hub.config.InvalidSettingException;
import com.mstore.hub.config.Redaction;
import com.mstore.hub.config.Settings;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;

/**
 * The hub's connections, one probe each, built from the settings. Building them checks that every
 * address is well formed, so a malformed one stops start-up with the name of its setting.
 */
public final class BrokerProbes {

    private static final Pattern HOST_PORT_LIST = Pattern.compile("[^\\s,:/]+:\\d{1,5}(,[^\\s,:/]+:\\d{1,5})*");

    private BrokerProbes() {
    }

    public static List<BrokerProbe> of(CamelContext context) {
        Settings settings = Settings.of(context);
        return List.of(
                kafka(context, settings),
                nats(settings),
                rabbitMq(context),
                mqtt(context, settings),
                redis(context, settings),
                smtp(settings));
    }

    static BrokerProbe kafka(CamelContext context, Settings settings) {
        String key = "mstore.kafka.brokers";
        String brokers = settings.get(key);
        if (!HOST_PORT_LIST.matcher(brokers).matches()) {
            throw new InvalidSettingException(key, brokers, "is not a list of host:port");
        }
        return new BrokerProbe("Kafka", key, brokers, timeout -> {
            Properties config = new Properties();
            Map<String, Object> security = context.getComponent("kafka", KafkaComponent.class).getConfiguration().getAdditionalProperties();
            if (security != null) {
                config.putAll(security);
            }
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "mstore-hub-probe");
            try (Admin admin = Admin.create(config)) {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                        .nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    static BrokerProbe nats(Settings settings) {
        String key = "mstore.nats.servers";
        String servers = settings.get(key);
        String[] urls = servers.split(",");
        for (String url : urls) {
            requireUri(key, servers, url, Set.of("nats", "tls", "ws", "wss"));
        }
        return new BrokerProbe("NATS", key, Redaction.uri(servers), timeout -> {
            Options options = new Options.Builder()
                    .servers(urls)
                    .connectionTimeout(timeout)
                    .noReconnect()
                    .connectionName("mstore-hub-probe")
                    .build();
            try (Connection connection = Nats.connect(options)) {
                connection.flush(timeout);
            }
        });
    }

    static BrokerProbe rabbitMq(CamelContext context) {
        String key = "mstore.rabbitmq.addresses";
        String address = Redaction.uri(Settings.of(context).get(key));
        ConnectionFactory factory = context.getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class);
        return new BrokerProbe("RabbitMQ", key, address, timeout -> {
            // The factory shares one connection: opening it here also warms it up for the routes.
            try (org.springframework.amqp.rabbit.connection.Connection connection = factory.createConnection()) {
                if (!connection.isOpen()) {
                    throw new IllegalStateException("connection is closed");
                }
            }
        });
    }

    static BrokerProbe mqtt(CamelContext context, Settings settings) {
        String key = "mstore.mqtt.server-uri";
        String serverUri = settings.get(key);
        requireUri(key, serverUri, serverUri, Set.of("tcp", "ssl", "ws", "wss", "mqtt", "mqtts"));
        return new BrokerProbe("MQTT", key, serverUri, timeout -> {
            MqttClient client = new MqttClient(serverUri, "mstore-hub-probe-" + UUID.randomUUID(), new MemoryPersistence());
            try {
                MqttConnectionOptions options = new MqttConnectionOptions();
                options.setConnectionTimeout((int) Math.max(1, timeout.toSeconds()));
                options.setAutomaticReconnect(false);
                // the same user and TLS as the routes' connection (BrokerSecurity)
                PahoMqtt5Configuration routes = context.getComponent("paho-mqtt5", PahoMqtt5Component.class).getConfiguration();
                if (routes.getUserName() != null) {
                    options.setUserName(routes.getUserName());
                    options.setPassword(routes.getPassword() == null ? null : routes.getPassword().getBytes(StandardCharsets.UTF_8));
                }
                if (routes.getSocketFactory() != null) {
                    options.setSocketFactory(routes.getSocketFactory());
                }
                client.connect(options);
                client.disconnect();
            } finally {
                client.close();
            }
        });
    }

    static BrokerProbe redis(CamelContext context, Settings settings) {
        String key = "mstore.redis.host";
        String address = settings.get(key) + ":" + settings.getInt("mstore.redis.port");
        RedisConnectionFactory factory = context.getRegistry().lookupByNameAndType("redisConnectionFactory", RedisConnectionFactory.class);
        return new BrokerProbe("Redis", key, address, timeout -> {
            try (RedisConnection connection = factory.getConnection()) {
                connection.ping();
            }
        });
    }

    static BrokerProbe smtp(Settings settings) {
        String key = "mstore.smtp.host";
        String host = settings.get(key);
        int port = settings.getInt("mstore.smtp.port");
        boolean tlsFromTheStart = "tls".equalsIgnoreCase(settings.getOrEmpty("mstore.smtp.security"));
        return new BrokerProbe("SMTP", key, host + ":" + port, timeout -> {
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
    }

    private static void requireUri(String key, String value, String uri, Set<String> schemes) {
        try {
            URI parsed = new URI(uri.trim());
            if (parsed.getScheme() == null || !schemes.contains(parsed.getScheme()) || parsed.getHost() == null) {
                throw new InvalidSettingException(key, Redaction.uri(value),
                        "is not a URI of the form scheme://host:port with scheme one of " + schemes);
            }
        } catch (java.net.URISyntaxException e) {
            throw InvalidSettingException.notAUri(key, value, e);
        }
    }

    static Duration timeout(Settings settings) {
        return Duration.ofMillis(settings.getInt("mstore.startup.broker-timeout-ms"));
    }
}

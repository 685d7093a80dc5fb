package com.mstore.hub.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;

import com.mstore.hub.mqtt.CallbackFirstMqttClient;
import com.mstore.hub.mqtt.MqttSessionPolicy;
import org.apache.camel.BindToRegistry;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Component;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Configuration;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.retry.ImmediateRequeueMessageRecoverer;
import org.springframework.retry.interceptor.RetryOperationsInterceptor;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * The client connections that components cannot build from a URI alone: Spring AMQP's
 * connection factory for camel-spring-rabbitmq, and Spring Data Redis' for camel-spring-redis;
 * and the credentials and TLS of every broker connection (README, "Credentials and TLS"). SMTP's
 * are in SmtpConnections.
 * Kafka, NATS and MQTT take their addresses straight from application.properties.
 */
@Configuration
public class BrokerConnections implements CamelConfiguration {

    @PropertyInject("mstore.rabbitmq.addresses")
    private String rabbitAddresses;

    @PropertyInject("mstore.redis.host")
    private String redisHost;

    @PropertyInject("mstore.redis.port")
    private String redisPort;

    @PropertyInject(value = "mstore.redis.username", defaultValue = "")
    private String redisUsername;

    @PropertyInject(value = "mstore.redis.password", defaultValue = "")
    private String redisPassword;

    @PropertyInject(value = "mstore.redis.tls", defaultValue = "false")
    private boolean redisTls;

    @PropertyInject(value = "mstore.tls.ca-file", defaultValue = "")
    private String caFile;

    @PropertyInject(value = "mstore.mqtt.username", defaultValue = "")
    private String mqttUsername;

    @PropertyInject(value = "mstore.mqtt.password", defaultValue = "")
    private String mqttPassword;

    @PropertyInject("mstore.mqtt.server-uri")
    private String mqttServerUri;

    private BrokerTrust trust;

    /** Built before any connection, and installed as the JVM default (see BrokerTrust). */
    @BindToRegistry("brokerTrust")
    public synchronized BrokerTrust brokerTrust() {
        if (trust == null) {
            trust = BrokerTrust.of(caFile);
            trust.installAsJvmDefault();
        }
        return trust;
    }

    /**
     * Credentials and TLS of the components configured from properties alone: Kafka's client
     * settings (shared with the audit log's producer, which reads them from the component) and the
     * MQTT user. NATS takes both from its server URLs (tls://user:password@host:4222).
     */
    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        context.getComponent("kafka", KafkaComponent.class).getConfiguration()
                .setAdditionalProperties(KafkaSecurity.clientProperties(settings, brokerTrust()));
        PahoMqtt5Configuration mqtt = context.getComponent("paho-mqtt5", PahoMqtt5Component.class).getConfiguration();
        if (!mqttUsername.isBlank()) {
            mqtt.setUserName(mqttUsername);
            mqtt.setPassword(mqttPassword);
        }
        if (isTlsUri(mqttServerUri)) {
            mqtt.setSocketFactory(brokerTrust().sslContext().getSocketFactory());
        }
    }

    @PropertyInject("mstore.devices.client-id")
    private String deviceStatusClientId;

    @PropertyInject("mstore.devices.session-expiry-seconds")
    private long deviceStatusSessionExpirySeconds;

    @PropertyInject("mstore.devices.receive-maximum")
    private int deviceStatusReceiveMaximum;

    /**
     * The device status flow's persistent MQTT session: the consumer's callback is in place before
     * the broker delivers what it kept (see CallbackFirstMqttClient).
     */
    @BindToRegistry(value = "deviceStatusSession", destroyMethod = "shutdown")
    public CallbackFirstMqttClient deviceStatusSession() throws org.eclipse.paho.mqttv5.common.MqttException {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setServerURIs(new String[] {mqttServerUri.trim()});
        options.setCleanStart(false);
        options.setSessionExpiryInterval(deviceStatusSessionExpirySeconds);
        options.setReceiveMaximum(deviceStatusReceiveMaximum);
        options.setAutomaticReconnect(true);
        if (!mqttUsername.isBlank()) {
            options.setUserName(mqttUsername);
            options.setPassword(mqttPassword.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (isTlsUri(mqttServerUri)) {
            options.setSocketFactory(brokerTrust().sslContext().getSocketFactory());
        }
        return new CallbackFirstMqttClient(mqttServerUri.trim(), deviceStatusClientId, options);
    }

    @BindToRegistry("deviceStatusSessionPolicy")
    public MqttSessionPolicy deviceStatusSessionPolicy(CallbackFirstMqttClient deviceStatusSession) {
        return new MqttSessionPolicy(deviceStatusSession);
    }

    /** ssl://, mqtts:// (MQTT) and wss:// URIs are TLS connections. */
    public static boolean isTlsUri(String uri) {
        String scheme = uri.trim().toLowerCase(java.util.Locale.ROOT);
        return scheme.startsWith("ssl://") || scheme.startsWith("mqtts://") || scheme.startsWith("wss://");
    }

    /** Publisher confirms and returns on, so an enqueue the broker did not accept, or no queue took, is an error, not a loss. */
    @BindToRegistry(value = "rabbitConnectionFactory", destroyMethod = "destroy")
    public CachingConnectionFactory rabbitConnectionFactory() {
        URI uri = rabbitUri(rabbitAddresses);
        CachingConnectionFactory factory = new CachingConnectionFactory(rabbitClientFactory(uri));
        if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) {
            // Go's amqp091 client (the backend's) reads a bare "/" path as the default vhost "/";
            // the Java client would read it as the empty vhost, which does not exist.
            factory.setVirtualHost("/");
        }
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        // a mandatory message no queue took comes back (RabbitPublisher reports it)
        factory.setPublisherReturns(true);
        factory.setConnectionTimeout(5000);
        factory.setConnectionNameStrategy(f -> "mstore-event-hub");
        return factory;
    }

    /**
     * The Java client reads an amqps:// URI as "TLS, trusting any certificate": here the URI gives
     * the address and user, and TLS checks the certificate against BrokerTrust and the host name.
     */
    private com.rabbitmq.client.ConnectionFactory rabbitClientFactory(URI uri) {
        com.rabbitmq.client.ConnectionFactory client = new com.rabbitmq.client.ConnectionFactory();
        // Spring AMQP recovers connections itself, and switches the client's own recovery off with a
        // warning at every start when it is on (the client's default)
        client.setAutomaticRecoveryEnabled(false);
        boolean tls = "amqps".equals(uri.getScheme());
        try {
            client.setUri(tls ? "amqp" + uri.toString().substring("amqps".length()) : uri.toString());
        } catch (URISyntaxException e) {
            throw InvalidSettingException.notAUri("mstore.rabbitmq.addresses", rabbitAddresses, e);
        } catch (java.security.GeneralSecurityException e) {
            throw new InvalidSettingException("mstore.rabbitmq.addresses", Redaction.uri(rabbitAddresses), "is not a valid AMQP URI", e);
        }
        if (tls) {
            if (uri.getPort() == -1) {
                client.setPort(5671);
            }
            client.useSslProtocol(brokerTrust().sslContext());
            client.enableHostnameVerification();
        }
        return client;
    }

    /**
     * What a RabbitMQ consumer does with a message whose route failed even after the flow's own
     * redelivery and dead-lettering (say, the hub is shutting down mid-job): put it back on the
     * queue. camel-spring-rabbitmq's default would acknowledge it, or reject it without requeue,
     * and a queue without a dead-letter exchange would then lose it.
     */
    @BindToRegistry("requeueOnFailure")
    public RetryOperationsInterceptor requeueOnFailure() {
        return RetryInterceptorBuilder.stateless()
                .maxAttempts(1)
                .recoverer(new ImmediateRequeueMessageRecoverer())
                .build();
    }

    /**
     * Lettuce reconnects by itself after a Redis restart. While Redis is away, commands fail at once
     * (instead of queueing in memory) so the flows' redelivery policy decides what happens.
     */
    @BindToRegistry(value = "redisConnectionFactory", destroyMethod = "destroy")
    public LettuceConnectionFactory redisConnectionFactory() {
        RedisStandaloneConfiguration standalone = new RedisStandaloneConfiguration(redisHost, redisPort());
        if (!redisUsername.isBlank()) {
            standalone.setUsername(redisUsername);
        }
        if (!redisPassword.isBlank()) {
            standalone.setPassword(redisPassword);
        }
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build());
        LettuceClientConfiguration.LettuceClientConfigurationBuilder client = LettuceClientConfiguration.builder()
                .commandTimeout(Duration.ofSeconds(5));
        if (redisTls) {
            // Lettuce builds its own TLS engine, trusting the JVM's CAs unless given the PEM file
            SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
            brokerTrust().caFile().ifPresent(pem -> ssl.trustManager(pem.toFile()));
            options.sslOptions(ssl.build());
            client.useSsl();
        }
        client.clientOptions(options.build());
        LettuceConnectionFactory factory = new LettuceConnectionFactory(standalone, client.build());
        factory.afterPropertiesSet();
        factory.start();
        return factory;
    }

    /** Strings on the wire: Java serialization (the component's default) is unreadable to the Go backend. */
    @BindToRegistry("redisTemplate")
    public StringRedisTemplate redisTemplate(LettuceConnectionFactory redisConnectionFactory) {
        StringRedisTemplate template = new StringRedisTemplate(redisConnectionFactory);
        template.afterPropertiesSet();
        return template;
    }

    private int redisPort() {
        try {
            return Integer.parseInt(redisPort.trim());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException("mstore.redis.port", redisPort, "is not a port number");
        }
    }

    static URI rabbitUri(String addresses) {
        try {
            URI uri = new URI(addresses.trim());
            if (!"amqp".equals(uri.getScheme()) && !"amqps".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new InvalidSettingException("mstore.rabbitmq.addresses", Redaction.uri(addresses),
                        "is not an amqp:// or amqps:// URI with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw InvalidSettingException.notAUri("mstore.rabbitmq.addresses", addresses, e);
        }
    }
}

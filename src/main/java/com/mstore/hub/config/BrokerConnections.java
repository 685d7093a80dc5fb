package com.mstore.hub.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;

import org.apache.camel.BindToRegistry;
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
 * connection factory for camel-spring-rabbitmq, and Spring Data Redis' for camel-spring-redis.
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

    @PropertyInject(value = "mstore.redis.password", defaultValue = "")
    private String redisPassword;

    /** Publisher confirms on, so an enqueue the broker did not accept is an error, not a loss. */
    @BindToRegistry(value = "rabbitConnectionFactory", destroyMethod = "destroy")
    public CachingConnectionFactory rabbitConnectionFactory() {
        URI uri = rabbitUri(rabbitAddresses);
        CachingConnectionFactory factory = new CachingConnectionFactory(uri);
        if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) {
            // Go's amqp091 client (the backend's) reads a bare "/" path as the default vhost "/";
            // the Java client would read it as the empty vhost, which does not exist.
            factory.setVirtualHost("/");
        }
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factory.setConnectionTimeout(5000);
        factory.setConnectionNameStrategy(f -> "mstore-event-hub");
        return factory;
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
        if (!redisPassword.isBlank()) {
            standalone.setPassword(redisPassword);
        }
        ClientOptions options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build())
                .build();
        LettuceClientConfiguration client = LettuceClientConfiguration.builder()
                .commandTimeout(Duration.ofSeconds(5))
                .clientOptions(options)
                .build();
        LettuceConnectionFactory factory = new LettuceConnectionFactory(standalone, client);
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
            throw new InvalidSettingException("mstore.rabbitmq.addresses", Redaction.uri(addresses),
                    "is not a valid URI", e);
        }
    }
}

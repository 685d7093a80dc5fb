package com.mstore.hub.redis;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

import com.mstore.hub.config.InvalidSettingException;
import com.mstore.hub.tls.BrokerTrust;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.Ordered;
import org.apache.camel.PropertyInject;
import org.springframework.data.redis.connection.RedisConfiguration;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Redis (mstore.redis.*): Spring Data Redis' connection factory for camel-spring-redis and the hub's
 * own Redis work (one server, or the master its Sentinels name), how pub/sub payloads are read, and
 * the broker's type.
 */
@Configuration
public class RedisConnections implements CamelConfiguration, Ordered {

    /** Wired after the trust and before what uses the connections (a bean that closes them when the hub stops is not made lazily). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST + 1;
    }

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

    /** host:port of each Sentinel, comma-separated; set, the hub asks them for the master and follows its failovers. */
    @PropertyInject(value = "mstore.redis.sentinels", defaultValue = "")
    private String sentinels;

    @PropertyInject(value = "mstore.redis.master-name", defaultValue = "mymaster")
    private String masterName;

    /**
     * Lettuce reconnects by itself after a Redis restart. While Redis is away, commands fail at once
     * (instead of queueing in memory) so the flows' redelivery policy decides what happens.
     */
    @BindToRegistry(value = "redisConnectionFactory", destroyMethod = "destroy")
    public LettuceConnectionFactory redisConnectionFactory(BrokerTrust brokerTrust) {
        RedisConfiguration.WithAuthentication server = sentinels.isBlank()
                ? new RedisStandaloneConfiguration(redisHost, redisPort())
                : sentinelConfiguration();
        if (!redisUsername.isBlank()) {
            server.setUsername(redisUsername);
        }
        if (!redisPassword.isBlank()) {
            server.setPassword(redisPassword);
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
            brokerTrust.caFile().ifPresent(pem -> ssl.trustManager(pem.toFile()));
            options.sslOptions(ssl.build());
            client.useSsl();
        }
        client.clientOptions(options.build());
        LettuceConnectionFactory factory = new LettuceConnectionFactory((RedisConfiguration) server, client.build());
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

    @BindToRegistry("redisBroker")
    public RedisBroker redisBroker(StringRedisTemplate redisTemplate, LettuceConnectionFactory redisConnectionFactory) {
        String address = sentinels.isBlank() ? redisHost + ":" + redisPort()
                : "master " + masterName + " of Sentinels " + sentinels.replace(" ", "");
        return new RedisBroker(redisTemplate, redisConnectionFactory, address);
    }

    /**
     * Lettuce asks the Sentinels for the master, and when they fail it over, its connections follow
     * the new master by themselves (a command in flight during the failover fails, and the flows'
     * redelivery repeats it).
     */
    private RedisSentinelConfiguration sentinelConfiguration() {
        try {
            return new RedisSentinelConfiguration(masterName, Arrays.stream(sentinels.split(",")).map(String::trim).collect(Collectors.toSet()));
        } catch (RuntimeException e) {
            throw new InvalidSettingException("mstore.redis.sentinels", sentinels, "is not a list of host:port");
        }
    }

    /**
     * Pub/sub payloads arrive as the bytes that were published (not Java-serialized objects, the
     * component's default): decoding is left to InboundJson, which refuses invalid UTF-8 instead of
     * letting a lenient decoder turn it into replacement characters.
     */
    @BindToRegistry("redisPayloadSerializer")
    public RedisSerializer<byte[]> redisPayloadSerializer() {
        return RedisSerializer.byteArray();
    }

    private int redisPort() {
        try {
            return Integer.parseInt(redisPort.trim());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException("mstore.redis.port", redisPort, "is not a port number");
        }
    }
}

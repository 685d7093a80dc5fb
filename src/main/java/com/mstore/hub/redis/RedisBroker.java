package com.mstore.hub.redis;

import com.mstore.hub.brokers.ReplayMarks;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.mstore.hub.brokers.Broker;
import com.mstore.hub.brokers.BrokerProbe;
import com.mstore.hub.brokers.Publishing;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.redis.RedisConstants;
import org.apache.camel.component.redis.RedisEndpoint;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Redis pub/sub (mstore.redis.*): a source is the channel a message was published on; a replay
 * publishes it there again. Every subscribed hub instance receives each message.
 */
public class RedisBroker implements Broker {

    static final String CHANNEL = "mstore-source-channel";

    private final StringRedisTemplate redis;
    private final BrokerProbe probe;

    public RedisBroker(StringRedisTemplate redis, RedisConnectionFactory connections, String address) {
        this.redis = redis;
        this.probe = new BrokerProbe("Redis", "mstore.redis.host", address, timeout -> {
            try (RedisConnection connection = connections.getConnection()) {
                connection.ping();
            }
        });
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public boolean owns(Endpoint endpoint) {
        return endpoint instanceof RedisEndpoint;
    }

    @Override
    public String address(Endpoint endpoint) {
        return ((RedisEndpoint) endpoint).getConfiguration().getChannels();
    }

    @Override
    public boolean broadcasts() {
        return true;
    }

    @Override
    public Map<String, String> sourceHeaders(Exchange received) {
        String channel = received.getMessage().getHeader(RedisConstants.CHANNEL, String.class);
        return channel == null || channel.isEmpty() ? Map.of() : Map.of(CHANNEL, channel);
    }

    @Override
    public Map<String, Object> source(Message deadLetter) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("channel", Publishing.header(deadLetter, CHANNEL));
        return source;
    }

    @Override
    public Optional<String> place(Map<String, Object> source) {
        return Publishing.text(source, "channel");
    }

    /** Pub/sub carries no headers: the replay is the payload alone. */
    @Override
    public void publish(Map<String, Object> source, byte[] body, ReplayMarks marks) {
        byte[] channel = place(source).orElseThrow().getBytes(StandardCharsets.UTF_8);
        redis.execute((RedisCallback<Long>) connection -> connection.publish(channel, body));
    }

    @Override
    public BrokerProbe probe() {
        return probe;
    }
}

package com.mstore.hub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.mstore.hub.testing.TestBrokers;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import redis.clients.jedis.Jedis;

/** The queue between Redis pub/sub and a flow's threads, on a real Redis: bounded by bytes, never blocking. */
class BoundedListenerContainerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Map<String, String> settings = TestBrokers.hubSettings();
    private final String channel = "bounded-" + UUID.randomUUID();

    /**
     * A flow's thread is held on its first message while 30 messages of 100 KiB arrive, against a
     * queue of 1 MiB: about ten fit (the one being handled still counts), the rest are dropped and
     * counted at once, and the queue never holds more than its bytes.
     */
    @Test
    void largeMessagesBeyondTheQueuesBytesAreDroppedAndCountedWhileTheFlowIsBusy() throws Exception {
        String host = settings.get("mstore.redis.host");
        int port = Integer.parseInt(settings.get("mstore.redis.port"));
        LettuceConnectionFactory connections = new LettuceConnectionFactory(host, port);
        connections.afterPropertiesSet();
        connections.start();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        long maxBytes = 1024 * 1024;
        BoundedListenerContainer container = new BoundedListenerContainer("bounded-test", connections, 1, maxBytes, () -> metrics);
        CountDownLatch busy = new CountDownLatch(1);
        List<Integer> handled = new CopyOnWriteArrayList<>();
        try (Jedis publisher = new Jedis(host, port)) {
            container.addMessageListener((message, pattern) -> {
                try {
                    busy.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                handled.add(message.getBody().length);
            }, new ChannelTopic(channel));
            await().atMost(PATIENCE).until(() -> publisher.pubsubNumSub(channel).getOrDefault(channel, 0L) > 0);

            byte[] large = new byte[100 * 1024];
            long peak = 0;
            for (int i = 0; i < 30; i++) {
                publisher.publish(channel.getBytes(), large);
                peak = Math.max(peak, container.queuedBytes());
            }
            long weight = BoundedListenerContainer.OVERHEAD + large.length + 2L * channel.length();
            long fit = maxBytes / weight;
            await().atMost(PATIENCE).until(() -> dropped(metrics) == 30 - fit);
            assertThat(peak).isLessThanOrEqualTo(maxBytes);
            assertThat(container.queuedBytes()).isEqualTo(fit * weight);

            busy.countDown();
            await().atMost(PATIENCE).until(() -> handled.size() == fit);
            await().atMost(PATIENCE).until(() -> container.queuedBytes() == 0);
            // room again: the next message is handled
            publisher.publish(channel.getBytes(), large);
            await().atMost(PATIENCE).until(() -> handled.size() == fit + 1);
            assertThat(dropped(metrics)).isEqualTo(30 - fit);
        } finally {
            container.destroy();
            connections.destroy();
        }
    }

    private static double dropped(SimpleMeterRegistry metrics) {
        var counter = metrics.find("mstore_redis_listener_dropped").counter();
        return counter == null ? 0 : counter.count();
    }
}

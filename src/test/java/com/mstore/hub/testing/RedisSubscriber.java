package com.mstore.hub.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/** Listens on a Redis pub/sub channel with a plain client and keeps what it hears. */
public final class RedisSubscriber implements AutoCloseable {

    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final JedisPubSub pubSub;
    private final Thread thread;

    public RedisSubscriber(String host, int port, String channel) {
        CountDownLatch subscribed = new CountDownLatch(1);
        pubSub = new JedisPubSub() {
            @Override
            public void onMessage(String ch, String message) {
                messages.add(message);
            }

            @Override
            public void onSubscribe(String ch, int count) {
                subscribed.countDown();
            }
        };
        thread = new Thread(() -> {
            try (Jedis jedis = new Jedis(host, port)) {
                jedis.subscribe(pubSub, channel);
            }
        }, "redis-subscriber-" + channel);
        thread.setDaemon(true);
        thread.start();
        try {
            if (!subscribed.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not subscribe to " + channel);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public List<String> messages() {
        return messages;
    }

    @Override
    public void close() {
        if (pubSub.isSubscribed()) {
            pubSub.unsubscribe();
        }
    }
}

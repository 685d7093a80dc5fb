package com.mstore.hub.bench;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

/** Flow 5: cache invalidations over Redis pub/sub, each deleting its key. */
final class CacheInvalidationFlow implements Flow {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String run;
    private final String host;
    private final int port;
    private final Jedis publisher;

    CacheInvalidationFlow(Map<String, String> settings, String run) {
        this.run = run;
        this.host = settings.get("mstore.redis.host");
        this.port = Integer.parseInt(settings.get("mstore.redis.port"));
        this.publisher = new Jedis(host, port);
    }

    private String channel(boolean hub) {
        return "cache:invalidate:bench-" + (hub ? "hub-" : "raw-") + run;
    }

    @Override
    public String name() {
        return "cache invalidation (Redis pub/sub)";
    }

    @Override
    public Map<String, String> baselines() {
        return Map.of(RAW, "Jedis subscriber reading the key from the JSON and deleting it (one DEL); "
                + "leaves out the size limit, strict JSON parsing, the schema check and the key-prefix guard");
    }

    @Override
    public Map<String, String> hubSettings() {
        return Map.of("mstore.cache-invalidation.invalidate-channel", channel(true));
    }

    @Override
    public String hubRoute() {
        return "cache-invalidation";
    }

    @Override
    public AutoCloseable startBaseline(String baseline, Recorder recorder) throws Exception {
        Jedis deleter = new Jedis(host, port);
        JedisPubSub onInvalidation = new JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                try {
                    String key = JSON.readTree(message).get("key").asText();
                    deleter.del(key);
                    recorder.done(recorder.marker().find(key));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        Jedis subscriber = new Jedis(host, port);
        Thread loop = new Thread(() -> subscriber.subscribe(onInvalidation, channel(false)), "bench-redis-baseline");
        loop.start();
        while (onInvalidation.getSubscribedChannels() == 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return () -> {
            onInvalidation.unsubscribe();
            loop.join();
            subscriber.close();
            deleter.close();
        };
    }

    @Override
    public void send(Recorder recorder, String side, int perSecond) {
        boolean toHub = HUB.equals(side);
        Pace pace = new Pace(perSecond);
        for (int i = 0; i < recorder.messages(); i++) {
            pace.before(i);
            recorder.sent(i);
            publisher.publish(channel(toHub), "{\"key\": \"cache:bench:" + recorder.marker().of(i) + "\"}");
        }
    }

    @Override
    public void close() {
        publisher.close();
    }
}

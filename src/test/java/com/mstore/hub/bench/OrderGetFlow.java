package com.mstore.hub.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import redis.clients.jedis.JedisPooled;

/** Flow 2's request-reply: order.get over NATS, answered from the order read model in Redis. */
final class OrderGetFlow implements Flow {

    /** Requests in flight at once (each requester waits for its reply before the next). */
    static final int REQUESTERS = 4;

    private final String run;
    private final Connection nats;
    private final JedisPooled redis;
    private final String orderId;
    private final byte[] request;

    OrderGetFlow(Map<String, String> settings, String run) throws Exception {
        this.run = run;
        this.nats = Nats.connect(settings.get("mstore.nats.servers"));
        this.redis = new JedisPooled(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")));
        this.orderId = "ORD-BENCH-" + run;
        redis.hset("mstore:order:" + orderId, "json",
                "{\"orderId\":\"%s\",\"status\":\"created\",\"updatedAt\":1}".formatted(orderId));
        this.request = "{\"orderId\": \"%s\"}".formatted(orderId).getBytes(StandardCharsets.UTF_8);
    }

    private String subject(boolean hub) {
        return "order.get.bench-" + (hub ? "hub-" : "raw-") + run;
    }

    @Override
    public String name() {
        return "order.get (NATS request-reply)";
    }

    @Override
    public Map<String, String> baselines() {
        return Map.of(RAW, "jnats queue subscriber replying with the order read from Redis (one HGET); "
                + "leaves out the size limit, strict JSON parsing and the JSON schema check of the request");
    }

    @Override
    public Map<String, String> hubSettings() {
        return Map.of("mstore.orders.request-subject", subject(true));
    }

    @Override
    public String hubRoute() {
        return null;
    }

    @Override
    public AutoCloseable startBaseline(String baseline, Recorder recorder) throws Exception {
        Connection responder = Nats.connect(nats.getConnectedUrl());
        Dispatcher dispatcher = responder.createDispatcher((Message message) -> {
            String order = redis.hget("mstore:order:" + orderId, "json");
            responder.publish(message.getReplyTo(), order.getBytes(StandardCharsets.UTF_8));
        });
        dispatcher.subscribe(subject(false), "order-service");
        responder.flush(Duration.ofSeconds(5));
        return responder::close;
    }

    @Override
    public void send(Recorder recorder, String side, int perSecond) throws Exception {
        boolean toHub = HUB.equals(side);
        Pace pace = new Pace(perSecond);
        AtomicInteger next = new AtomicInteger();
        List<Thread> requesters = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int r = 0; r < REQUESTERS; r++) {
            Thread requester = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < recorder.messages()) {
                    pace.before(i);
                    recorder.sent(i);
                    try {
                        Message reply = nats.request(subject(toHub), request, Duration.ofSeconds(5));
                        if (reply != null && new String(reply.getData(), StandardCharsets.UTF_8).contains(orderId)) {
                            recorder.done(i);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (RuntimeException e) {
                        failures.add(e);
                    }
                }
            }, "bench-nats-requester-" + r);
            requesters.add(requester);
            requester.start();
        }
        for (Thread requester : requesters) {
            requester.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " requests failed, first: " + failures.get(0));
        }
    }

    @Override
    public void close() throws Exception {
        nats.close();
        redis.close();
    }
}

package com.mstore.hub.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.mstore.hub.local.NatsServer;
import com.mstore.hub.testing.FreePorts;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * NATS away for longer than a NATS client tries to reconnect by default (60 tries): the hub's order
 * consumers must still be subscribed when it returns, not left on a connection that gave up, and the
 * HTTP gateway's order.get requests (a NATS producer) must get answers again.
 */
class NatsOutageTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** With tries 100 ms apart, the client's default 60 tries are spent in about 6 s. */
    private static final Duration OUTAGE = Duration.ofSeconds(8);

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void orderEventsAreAppliedAgainAfterALongNatsOutage() {
        int port = FreePorts.one();
        NatsServer nats = NatsServer.start(port);
        Map<String, String> settings = TestBrokers.hubSettings();
        settings.put("mstore.nats.servers", "nats://localhost:" + port);
        settings.put("mstore.nats.reconnect-wait-ms", "100");
        try (RunningHub hub = RunningHub.startWith(settings);
             Jedis redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")))) {
            awaitApplied(settings, redis, "ORD-BEFORE-" + run);
            assertThat(hub.get("/api/orders/ORD-BEFORE-" + run).statusCode()).isEqualTo(200);

            nats.stop();
            await("NATS reported DOWN").atMost(PATIENCE).until(() -> hub.get("/observe/health/ready").statusCode() == 503);
            await("NATS stays away").during(OUTAGE).atMost(OUTAGE.plusSeconds(5))
                    .until(() -> hub.get("/observe/health/ready").statusCode() == 503);
            nats.start();
            await("NATS reported UP").atMost(PATIENCE).until(() -> hub.get("/observe/health/ready").statusCode() == 200);

            awaitApplied(settings, redis, "ORD-AFTER-" + run);
            await("the gateway answers again").atMost(PATIENCE)
                    .until(() -> hub.get("/api/orders/ORD-AFTER-" + run).statusCode() == 200);
        } finally {
            nats.close();
        }
    }

    /** Publishes the order's created event until the hub has applied it (NATS core keeps nothing for a consumer away). */
    private static void awaitApplied(Map<String, String> settings, Jedis redis, String orderId) {
        Options options = new Options.Builder().server(settings.get("mstore.nats.servers")).build();
        byte[] event = "{\"orderId\": \"%s\", \"status\": \"created\", \"updatedAt\": 1}".formatted(orderId)
                .getBytes(StandardCharsets.UTF_8);
        try (Connection publisher = Nats.connect(options)) {
            await(orderId + " applied").atMost(PATIENCE).until(() -> {
                publisher.publish(settings.get("mstore.orders.created-subject"), event);
                return redis.exists("mstore:order:" + orderId);
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

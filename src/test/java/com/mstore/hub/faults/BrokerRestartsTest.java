package com.mstore.hub.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.LocalBrokers;
import com.mstore.hub.local.Restartable;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Each broker in turn stopped and started again while traffic flows through every flow, against
 * brokers of this test's own: the hub reconnects by itself, readiness goes DOWN and back UP, and
 * the persistent flows lose nothing and audit nothing twice. What the fire-and-forget flows (NATS
 * core, Redis pub/sub) lose is measured and logged, not hidden.
 */
class BrokerRestartsTest {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRestartsTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RECOVERY = Duration.ofSeconds(90);
    /** Redis first: it runs without persistence, so what it held before its restart is gone. */
    private static final List<String> RESTART_ORDER = List.of("Redis", "NATS", "MQTT", "RabbitMQ", "Kafka");

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void everyBrokerRestartedUnderTrafficIsSurvived() throws Exception {
        try (LocalBrokers brokers = LocalBrokers.startOwn(LocalBrokers.PortPlan.random())) {
            Map<String, String> settings = TestBrokers.withOwnNames(brokers.hubSettings());
            settings.put("mstore.devices.session-expiry-seconds", "600");
            GreenMailSmtp smtp = (GreenMailSmtp) brokers.get("SMTP");
            // when each broker stopped, and when every flow moved again after its restart
            Map<String, Long> moments = new HashMap<>();
            MixedTraffic traffic = new MixedTraffic(settings, run);
            try (RunningHub hub = RunningHub.startWith(settings); traffic) {
                traffic.start();
                awaitProgress(hub, traffic, smtp);
                for (String name : RESTART_ORDER) {
                    Restartable broker = (Restartable) brokers.get(name);
                    moments.put(name + " stopped", System.currentTimeMillis());
                    broker.stop();
                    LOG.info("{} stopped", name);
                    await(name + " reported DOWN").atMost(RECOVERY).until(() ->
                            hub.get("/observe/health/ready").statusCode() == 503 && "DOWN".equals(checkState(hub, name)));
                    broker.start();
                    LOG.info("{} started again", name);
                    await(name + " reported UP").atMost(RECOVERY).until(() -> hub.get("/observe/health/ready").statusCode() == 200);
                    awaitProgress(hub, traffic, smtp);
                    moments.put(name + " recovered", System.currentTimeMillis());
                }
                moments.put("traffic ending", System.currentTimeMillis());
            }
            // the publishers have stopped: everything a broker acknowledged must now come out once
            assertPersistentFlowsLostAndDoubledNothing(settings, smtp, traffic, moments);
        }
    }

    /** Every flow moves again: a message published now goes all the way through each. */
    private void awaitProgress(RunningHub hub, MixedTraffic traffic, GreenMailSmtp smtp) {
        Map<String, java.util.function.LongSupplier> flows = new java.util.LinkedHashMap<>();
        flows.put("transactions audited", () -> hub.completed("transactions-audit"));
        flows.put("jobs mailed", () -> smtp.mailbox().getReceivedMessages().length);
        flows.put("device statuses", () -> hub.completed("device-status"));
        flows.put("orders created", () -> hub.completed("orders-created"));
        flows.put("cache invalidations", () -> hub.completed("cache-invalidation"));
        Map<String, Long> before = new HashMap<>();
        flows.forEach((flow, count) -> before.put(flow, count.getAsLong()));
        String publishedBefore = traffic.published();
        try {
            await("every flow moving again").atMost(RECOVERY).until(() -> flows.entrySet().stream()
                    .allMatch(flow -> flow.getValue().getAsLong() > before.get(flow.getKey()) + 3));
        } catch (org.awaitility.core.ConditionTimeoutException stalled) {
            Map<String, Long> moved = new java.util.LinkedHashMap<>();
            flows.forEach((flow, count) -> moved.put(flow, count.getAsLong() - before.get(flow)));
            throw new AssertionError("Not every flow moved again within " + RECOVERY + ": messages through each "
                    + moved + ", publishers that died " + traffic.stoppedPublishers + ", taken by the brokers before the wait ("
                    + publishedBefore + ") and now (" + traffic.published() + "), " + natsConsumerState(hub), stalled);
        }
    }

    private void assertPersistentFlowsLostAndDoubledNothing(Map<String, String> settings, GreenMailSmtp smtp,
                                                            MixedTraffic traffic, Map<String, Long> moments)
            throws Exception {
        try (KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
             RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"));
             Jedis redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")))) {
            // the hub has stopped too; what it had not finished was left on the brokers, so a last
            // hub drains it
            try (RunningHub drain = RunningHub.startWith(settings)) {
                await("the last transactions and jobs").atMost(RECOVERY).until(() ->
                        kafka.caughtUp(settings.getOrDefault("mstore.transactions.consumer-group", "mstore-audit"),
                                settings.get("mstore.transactions.topic"))
                                && rabbit.ready(settings.get("mstore.emails.queue")) == 0);
            }
            Map<String, Long> audited = kafka.readAll(settings.get("mstore.transactions.audit-topic")).stream()
                    .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
            assertThat(audited.keySet()).as("every acknowledged transaction audited").containsAll(traffic.transactions);
            assertThat(audited.values()).as("and audited once").allMatch(n -> n == 1);
            assertThat(kafka.readAll(settings.get("mstore.transactions.dlq-topic"))).as("nothing dead-lettered").isEmpty();

            Map<String, Long> mails = Arrays.stream(smtp.mailbox().getReceivedMessages())
                    .map(mail -> {
                        try {
                            return mail.getAllRecipients()[0].toString();
                        } catch (jakarta.mail.MessagingException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            List<String> confirmedRecipients = traffic.jobs.stream().map(job -> job.toLowerCase() + "@example.com").toList();
            assertThat(mails.keySet()).as("every confirmed job mailed").containsAll(confirmedRecipients);
            List<String> twice = mails.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            LOG.info("Email jobs: {} confirmed, {} mailed, mailed twice: {}", confirmedRecipients.size(), mails.size(), twice);
            // SMTP takes no part in a transaction: a job whose mail was accepted just as Redis went
            // away cannot be remembered as done, and is mailed again
            assertThat(twice).as("at most the jobs in flight (one per worker) when Redis went away").hasSizeLessThanOrEqualTo(4);
            assertThat(rabbit.ready(settings.get("mstore.emails.dlq"))).as("no job dead-lettered").isZero();

            for (Map.Entry<String, Long> device : traffic.newestStatus.entrySet()) {
                assertThat(redis.hget("mstore:device:" + device.getKey(), "lastSeen")).as(device.getKey())
                        .isEqualTo(java.time.Instant.ofEpochSecond(device.getValue()).toString());
            }

            // Redis runs without persistence: only orders published after it came back can be in it.
            // NATS core keeps nothing for a subscriber that is away: what was published from NATS's
            // stop until the hub took orders again is lost; outside that window nothing may be.
            // (from half a second before the stop: what a client had not yet flushed goes down with the server)
            long natsStopped = moments.get("NATS stopped") - 500;
            long natsRecovered = moments.get("NATS recovered");
            Map<Boolean, List<String>> ordersByOutage = traffic.orders.entrySet().stream()
                    .filter(order -> order.getValue() > moments.get("Redis recovered")
                            && order.getValue() < moments.get("traffic ending") - 2_000)
                    .collect(Collectors.partitioningBy(order -> order.getValue() >= natsStopped && order.getValue() <= natsRecovered,
                            Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
            long lostInOutage = ordersByOutage.get(true).stream().filter(id -> !redis.exists("mstore:order:" + id)).count();
            List<String> lostOutsideOutage = ordersByOutage.get(false).stream()
                    .filter(id -> !redis.exists("mstore:order:" + id)).toList();
            long invalidationsLost = traffic.invalidatedKeys.keySet().stream().filter(redis::exists).count();
            LOG.info("NATS core: {} of {} order events published from NATS's stop until the hub took orders again ({} ms) were lost",
                    lostInOutage, ordersByOutage.get(true).size(), natsRecovered - natsStopped);
            LOG.info("Redis pub/sub: {} of {} cache invalidations were lost", invalidationsLost, traffic.invalidatedKeys.size());
            assertThat(lostOutsideOutage).as("no order event lost while NATS was up (of %d)", ordersByOutage.get(false).size())
                    .isEmpty();
        }
    }

    /** What the order consumer's NATS connection says of itself (diagnostics for a stalled order flow). */
    private static String natsConsumerState(RunningHub hub) {
        try {
            Object consumer = hub.context().getRoute("orders-created").getConsumer();
            java.lang.reflect.Field field = consumer.getClass().getDeclaredField("connection");
            field.setAccessible(true);
            io.nats.client.Connection connection = (io.nats.client.Connection) field.get(consumer);
            StringBuilder threads = new StringBuilder();
            Thread.getAllStackTraces().forEach((thread, stack) -> {
                if (thread.getName().startsWith("nats")) {
                    threads.append("\n  ").append(thread.getName()).append(' ').append(thread.getState());
                    for (int i = 0; i < Math.min(8, stack.length); i++) {
                        threads.append("\n    at ").append(stack[i]);
                    }
                }
            });
            long inBefore = connection.getStatistics().getInMsgs();
            java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
            String subject = hub.context().resolvePropertyPlaceholders("{{mstore.orders.created-subject}}");
            try (io.nats.client.Connection probe = io.nats.client.Nats.connect(connection.getConnectedUrl())) {
                probe.createDispatcher(message -> seen.incrementAndGet()).subscribe(subject);
                probe.flush(java.time.Duration.ofSeconds(2));
                for (int i = 0; i < 3; i++) {
                    probe.publish(subject, "{\"orderId\": \"ORD-PROBE\", \"status\": \"created\", \"updatedAt\": 1}".getBytes());
                }
                probe.flush(java.time.Duration.ofSeconds(2));
                await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> true);
            }
            return "order consumer's NATS connection " + connection.getStatus() + " to " + connection.getConnectedUrl()
                    + ", subscriptions " + connection.getStatistics().getInMsgs() + "-" + inBefore + " probe messages in; a fresh subscriber saw "
                    + seen.get() + " messages in 2 s (traffic and 3 probes); statistics " + connection.getStatistics() + ", NATS threads:" + threads;
        } catch (Exception e) {
            return "order consumer's NATS connection unknown: " + e;
        }
    }

    private static String checkState(RunningHub hub, String broker) throws Exception {
        JsonNode health = JSON.readTree(hub.get("/observe/health").body());
        for (JsonNode check : health.path("checks")) {
            if (("broker-" + broker.toLowerCase()).equals(check.path("name").asText())) {
                return check.path("status").asText();
            }
        }
        return "MISSING";
    }
}

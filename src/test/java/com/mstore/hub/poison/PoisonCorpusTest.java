package com.mstore.hub.poison;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.MqttTestClient;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import com.mstore.hub.testing.WebSocketClient;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.AMQP;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * The poison corpus (src/test/resources/poison) against one hub on the real brokers: every bad input
 * of every flow is refused with its reason and ends in the flow's dead-letter target (or, for
 * order.get, in an error reply), the good message sent after it goes through, and sending the whole
 * corpus again and again does not make the hub's heap grow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoisonCorpusTest {

    private static final Logger LOG = LoggerFactory.getLogger(PoisonCorpusTest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String REASON = "mstore-error-reason";
    private static final String MESSAGE = "mstore-error-message";
    /** A Java class in a message meant for people: a fully qualified name, or a simple one ending in Exception or Error. */
    private static final Pattern JAVA_CLASS = Pattern.compile("\\b[a-z]+(\\.[a-z0-9]+)+\\.[A-Z]\\w*|\\b[A-Z]\\w*(Exception|Error)\\b");

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String device = "POS-POISON-" + run;
    private final String user = String.valueOf(ThreadLocalRandom.current().nextLong(1_000_000, 9_000_000));
    private final Map<String, String> names = Map.of("device", device, "user", user);
    private final Map<String, String> settings = new HashMap<>(TestBrokers.hubSettings());

    private GreenMailSmtp smtp;
    private RunningHub hub;
    private KafkaClient kafka;
    private Connection nats;
    private RabbitClient rabbit;
    private MqttTestClient mqtt;
    /** Publishes as the devices; a client of its own, so the dead letters it receives do not hold up its publishes. */
    private MqttTestClient devices;
    private Jedis redis;
    private WebSocketClient userSocket;
    private final List<Message> orderDeadLetters = new CopyOnWriteArrayList<>();
    private final List<RabbitClient.Delivery> emailDeadLetters = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startHub() throws Exception {
        int smtpPort = Ports.free();
        settings.put("mstore.smtp.port", String.valueOf(smtpPort));
        smtp = GreenMailSmtp.start(smtpPort);
        hub = RunningHub.start(settings);
        kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
        nats = Nats.connect(settings.get("mstore.nats.servers"));
        Dispatcher dispatcher = nats.createDispatcher(orderDeadLetters::add);
        dispatcher.subscribe(settings.get("mstore.orders.dlq-subject"));
        nats.flush(Duration.ofSeconds(5));
        rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"));
        rabbit.channel().basicConsume(settings.get("mstore.emails.dlq"), true, new DefaultConsumer(rabbit.channel()) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
                emailDeadLetters.add(new RabbitClient.Delivery(body, properties));
            }
        });
        mqtt = new MqttTestClient(settings.get("mstore.mqtt.server-uri"));
        mqtt.subscribe(settings.get("mstore.devices.dlq-topic"));
        devices = new MqttTestClient(settings.get("mstore.mqtt.server-uri"));
        redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")));
        userSocket = new WebSocketClient("ws://localhost:" + hub.httpPort() + "/ws/users/" + user + "/notifications");
    }

    @AfterAll
    void stopHub() throws Exception {
        userSocket.close();
        redis.close();
        devices.close();
        mqtt.close();
        rabbit.deleteQueue(settings.get("mstore.emails.queue"));
        rabbit.deleteQueue(settings.get("mstore.emails.dlq"));
        rabbit.close();
        nats.close();
        kafka.close();
        hub.close();
        smtp.close();
    }

    @Test
    @Order(1)
    void transactions() {
        List<PoisonCorpus.Case> corpus = PoisonCorpus.load("transactions", names);
        List<String> goodCodes = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            kafka.send(settings.get("mstore.transactions.topic"), corpus.get(i).name(), corpus.get(i).body());
            String code = "TRX-GOOD-" + run + "-" + i;
            kafka.send(settings.get("mstore.transactions.topic"), code, transaction(code));
            goodCodes.add(code);
        }
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(kafka.readAll(settings.get("mstore.transactions.dlq-topic")))
                .extracting(ConsumerRecord::key).containsAll(corpus.stream().map(PoisonCorpus.Case::name).toList()));
        Map<String, String> reasonByCase = new HashMap<>();
        for (ConsumerRecord<String, String> dead : kafka.readAll(settings.get("mstore.transactions.dlq-topic"))) {
            reasonByCase.put(dead.key(), new String(dead.headers().lastHeader(REASON).value(), StandardCharsets.UTF_8));
            assertReadable(dead.key(), new String(dead.headers().lastHeader(MESSAGE).value(), StandardCharsets.UTF_8));
        }
        assertThat(reasonByCase).hasSameSizeAs(corpus);
        corpus.forEach(bad -> assertThat(reasonByCase.get(bad.name())).as(bad.name()).isEqualTo(bad.reason()));
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(kafka.readAll(settings.get("mstore.transactions.audit-topic")))
                .extracting(ConsumerRecord::key).containsExactlyInAnyOrderElementsOf(goodCodes));
    }

    @Test
    @Order(2)
    void orderEvents() throws Exception {
        Map<String, String> subjects = Map.of("created", settings.get("mstore.orders.created-subject"), "updated", settings.get("mstore.orders.updated-subject"),
                "reserved", settings.get("mstore.orders.reserved-subject"));
        List<PoisonCorpus.Case> corpus = PoisonCorpus.load("order-events", names);
        for (int i = 0; i < corpus.size(); i++) {
            PoisonCorpus.Case bad = corpus.get(i);
            nats.publish(subjects.get(bad.target()), bad.body());
            int refused = i + 1;
            await().atMost(PATIENCE).until(() -> orderDeadLetters.size() == refused);
            Message dead = orderDeadLetters.get(i);
            assertThat(dead.getHeaders().getFirst(REASON)).as(bad.name()).isEqualTo(bad.reason());
            assertReadable(bad.name(), dead.getHeaders().getFirst(MESSAGE));
            assertThat(dead.getData()).as(bad.name()).isEqualTo(bad.body());
            String orderId = "ORD-GOOD-" + run + "-" + i;
            nats.publish(subjects.get("created"), ("{\"orderId\": \"" + orderId + "\", \"status\": \"created\", \"updatedAt\": 1}")
                    .getBytes(StandardCharsets.UTF_8));
            await().atMost(PATIENCE).until(() -> redis.exists("mstore:order:" + orderId));
        }
    }

    @Test
    @Order(3)
    void orderRequestsGetAnErrorReply() throws Exception {
        for (PoisonCorpus.Case bad : PoisonCorpus.load("order-requests", names)) {
            Message reply = nats.request(settings.get("mstore.orders.request-subject"), bad.body(), Duration.ofSeconds(10));
            assertThat(reply).as(bad.name()).isNotNull();
            assertThat(JSON.readTree(reply.getData()).path("error").asText()).as(bad.name()).isEqualTo(bad.reason());
            Message good = nats.request(settings.get("mstore.orders.request-subject"),
                    "{\"orderId\": \"ORD-NONE-%s\"}".formatted(run).getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
            assertThat(JSON.readTree(good.getData()).path("error").asText()).isEqualTo("Order not found");
        }
    }

    @Test
    @Order(4)
    void emailJobs() {
        List<PoisonCorpus.Case> corpus = PoisonCorpus.load("email-jobs", names);
        for (int i = 0; i < corpus.size(); i++) {
            PoisonCorpus.Case bad = corpus.get(i);
            rabbit.publish(settings.get("mstore.emails.queue"), bad.body(), 1);
            int refused = i + 1;
            await().atMost(PATIENCE).until(() -> emailDeadLetters.size() == refused);
            assertThat(emailDeadLetters.get(i).header(REASON)).as(bad.name()).isEqualTo(bad.reason());
            assertReadable(bad.name(), emailDeadLetters.get(i).header(MESSAGE));
            assertThat(emailDeadLetters.get(i).bytes()).as(bad.name()).isEqualTo(bad.body());
            rabbit.publish(settings.get("mstore.emails.queue"), ("{\"jobId\": \"JOB-GOOD-%s-%d\", \"type\": \"transaction_receipt\", "
                    + "\"to\": \"good-%s@example.com\", \"transactionId\": %d}").formatted(run, i, run, i), 1);
        }
        await().atMost(PATIENCE).until(() -> smtp.mailbox().getReceivedMessages().length == corpus.size());
    }

    @Test
    @Order(5)
    void deviceStatuses() {
        List<PoisonCorpus.Case> corpus = PoisonCorpus.load("device-status", names);
        for (int i = 0; i < corpus.size(); i++) {
            PoisonCorpus.Case bad = corpus.get(i);
            devices.publish(bad.target(), bad.body(), Map.of());
            int refused = i + 1;
            await().atMost(PATIENCE).until(() -> mqtt.received().size() == refused);
            MqttTestClient.Received dead = mqtt.received().get(i);
            assertThat(dead.userProperty(REASON)).as(bad.name()).isEqualTo(bad.reason());
            assertReadable(bad.name(), dead.userProperty(MESSAGE));
            assertThat(dead.bytes()).as(bad.name()).isEqualTo(bad.body());
            int battery = 50 + i;
            devices.publish("devices/" + device + "/status",
                    "{\"deviceId\": \"%s\", \"online\": true, \"batteryLevel\": %d}".formatted(device, battery));
            await().atMost(PATIENCE).until(() -> hub.get("/api/devices/" + device).body().contains("\"batteryLevel\":" + battery));
        }
    }

    @Test
    @Order(6)
    void cacheInvalidationsAndThePrefixGuard() {
        List<String> outsideThePrefix = List.of("mstore:idem:canary", "CACHE:canary", "\u0441ache:canary", "sessions:" + run);
        outsideThePrefix.forEach(key -> redis.set(key, "must survive"));
        try {
            List<PoisonCorpus.Case> corpus = PoisonCorpus.load("cache-invalidation", names);
            for (int i = 0; i < corpus.size(); i++) {
                PoisonCorpus.Case bad = corpus.get(i);
                double before = deadLetters("cache-invalidation", bad.reason());
                redis.publish(settings.get("mstore.cache-invalidation.invalidate-channel").getBytes(StandardCharsets.UTF_8), bad.body());
                await(bad.name()).atMost(PATIENCE).until(() -> deadLetters("cache-invalidation", bad.reason()) == before + 1);
                String key = "cache:poison-good:" + run + ":" + i;
                redis.set(key, "stale");
                redis.publish(settings.get("mstore.cache-invalidation.invalidate-channel"), "{\"key\": \"" + key + "\"}");
                await().atMost(PATIENCE).until(() -> !redis.exists(key));
            }
            outsideThePrefix.forEach(key -> assertThat(redis.exists(key)).as(key).isTrue());
        } finally {
            outsideThePrefix.forEach(redis::del);
        }
    }

    @Test
    @Order(7)
    void userNotifications() {
        List<PoisonCorpus.Case> corpus = PoisonCorpus.load("user-notifications", names);
        for (int i = 0; i < corpus.size(); i++) {
            PoisonCorpus.Case bad = corpus.get(i);
            double before = deadLetters("user-notifications", bad.reason());
            redis.publish(bad.target().getBytes(StandardCharsets.UTF_8), bad.body());
            await(bad.name()).atMost(PATIENCE).until(() -> deadLetters("user-notifications", bad.reason()) == before + 1);
            redis.publish("user:" + user + ":notifications", "{\"userId\": %s, \"message\": \"good %d\"}".formatted(user, i));
            int delivered = i + 1;
            await().atMost(PATIENCE).until(() -> userSocket.received().size() == delivered);
        }
        for (int i = 0; i < corpus.size(); i++) {
            assertThat(userSocket.received().get(i)).contains("\"message\":\"good " + i + "\"");
        }
    }

    /**
     * Runs after the per-flow tests, so every code path is warm: ten more rounds of the whole corpus
     * leave the hub's heap, after a full collection, where it was. A leak of even a few KiB per bad
     * message (an endpoint, a cache entry, a buffered payload) would show as megabytes here.
     */
    @Test
    @Order(8)
    void theHeapDoesNotGrowWhileTheCorpusIsSentAgainAndAgain() throws Exception {
        sendEveryCorpusOnce();
        long before = heapAfterFullCollection();
        int rounds = 10;
        for (int round = 0; round < rounds; round++) {
            sendEveryCorpusOnce();
        }
        long after = heapAfterFullCollection();
        LOG.info("Heap after a full collection: {} KiB before, {} KiB after {} rounds of the poison corpus",
                before / 1024, after / 1024, rounds);
        assertThat(after - before).as("heap growth in bytes").isLessThan(16L * 1024 * 1024);
    }

    /** Every bad input of every flow, without waiting between them; returns once all are refused. */
    private void sendEveryCorpusOnce() throws Exception {
        double deadBefore = hub.metric("mstore_dead_letters_total");
        int expected = 0;
        for (PoisonCorpus.Case bad : PoisonCorpus.load("transactions", names)) {
            kafka.send(settings.get("mstore.transactions.topic"), bad.name(), bad.body());
            expected++;
        }
        Map<String, String> subjects = Map.of("created", settings.get("mstore.orders.created-subject"), "updated", settings.get("mstore.orders.updated-subject"),
                "reserved", settings.get("mstore.orders.reserved-subject"));
        for (PoisonCorpus.Case bad : PoisonCorpus.load("order-events", names)) {
            nats.publish(subjects.get(bad.target()), bad.body());
            expected++;
        }
        for (PoisonCorpus.Case bad : PoisonCorpus.load("email-jobs", names)) {
            rabbit.publish(settings.get("mstore.emails.queue"), bad.body(), 1);
            expected++;
        }
        for (PoisonCorpus.Case bad : PoisonCorpus.load("device-status", names)) {
            devices.publish(bad.target(), bad.body(), Map.of());
            expected++;
        }
        for (PoisonCorpus.Case bad : PoisonCorpus.load("cache-invalidation", names)) {
            redis.publish(settings.get("mstore.cache-invalidation.invalidate-channel").getBytes(StandardCharsets.UTF_8), bad.body());
            expected++;
        }
        for (PoisonCorpus.Case bad : PoisonCorpus.load("user-notifications", names)) {
            redis.publish(bad.target().getBytes(StandardCharsets.UTF_8), bad.body());
            expected++;
        }
        for (PoisonCorpus.Case bad : PoisonCorpus.load("order-requests", names)) {
            assertThat(nats.request(settings.get("mstore.orders.request-subject"), bad.body(), Duration.ofSeconds(10))).isNotNull();
        }
        double target = deadBefore + expected;
        await().atMost(Duration.ofSeconds(60)).until(() -> hub.metric("mstore_dead_letters_total") >= target);
        orderDeadLetters.clear();
        emailDeadLetters.clear();
        mqtt.received().clear();
    }

    private static long heapAfterFullCollection() {
        var memory = ManagementFactory.getMemoryMXBean();
        long lowest = Long.MAX_VALUE;
        // a few collections: objects with finalizers or reference queues need more than one
        for (int i = 0; i < 3; i++) {
            memory.gc();
            lowest = Math.min(lowest, memory.getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }

    /** Says what is wrong in words: no Java class names, none of the parser's internals. */
    private static void assertReadable(String caseName, String message) {
        assertThat(message).as(caseName).isNotBlank().doesNotContainPattern(JAVA_CLASS)
                .doesNotContain("REDACTED", "StreamReadFeature", "[Source", "(code ", "`");
    }

    private double deadLetters(String route, String reason) {
        return hub.metric("mstore_dead_letters_total", "route=\"" + route + "\"", "reason=\"" + reason + "\"");
    }

    private static byte[] transaction(String code) {
        return ("{\"transactionCode\": \"" + code + "\", \"branchId\": 7, \"grandTotal\": 100}").getBytes(StandardCharsets.UTF_8);
    }
}

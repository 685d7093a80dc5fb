package com.mstore.hub.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import redis.clients.jedis.Jedis;

/**
 * The backend's side of every flow at once, as its services behave while a broker goes away: one
 * publisher per flow, each a few messages a second, retrying until the broker takes the message.
 * It records what each broker acknowledged (Kafka acks, RabbitMQ publisher confirms, MQTT PUBACK),
 * which is what the hub must then deliver; NATS core acknowledges nothing, so for it a flush
 * (the server answered a ping sent after the event) stands in; Redis pub/sub acknowledges nothing,
 * so for it this records what was handed to the client.
 */
final class MixedTraffic implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MixedTraffic.class);
    private static final long PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final int DEVICES = 5;

    final Set<String> transactions = ConcurrentHashMap.newKeySet();
    final Set<String> jobs = ConcurrentHashMap.newKeySet();
    /** Per device, the lastSeen of the newest status the broker acknowledged. */
    final Map<String, Long> newestStatus = new ConcurrentHashMap<>();
    /** Statuses the broker acknowledged, all devices together. */
    final AtomicLong statusesAcknowledged = new AtomicLong();
    /** Order id to the time it was handed to the NATS client. */
    final Map<String, Long> orders = new ConcurrentHashMap<>();
    /** Cache keys set and then invalidated, to the time of the invalidation. */
    final Map<String, Long> invalidatedKeys = new ConcurrentHashMap<>();
    /** receipt recipients of the acknowledged transactions (one receipt mail each). */
    final Set<String> receipts = ConcurrentHashMap.newKeySet();
    /** order id to the time its reservation was handed to the NATS client (after its creation). */
    final Map<String, Long> reservations = new ConcurrentHashMap<>();
    /** notification text to the time it was published, per user. */
    final Map<Long, Map<String, Long>> notifications = new ConcurrentHashMap<>();
    /** notification text to how many subscribers Redis handed it to (each hub is one). */
    final Map<String, Long> notificationReceivers = new ConcurrentHashMap<>();

    private final Map<String, String> settings;
    private final String run;
    /** The users notifications go to. */
    private final List<Long> users;
    private final List<Thread> publishers = new ArrayList<>();
    /** Publishers that died, with why: a flow that stops moving because its publisher died is the test's fault. */
    final Map<String, String> stoppedPublishers = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    MixedTraffic(Map<String, String> settings, String run, List<Long> users) {
        this.settings = settings;
        this.run = run;
        this.users = users;
        users.forEach(user -> notifications.put(user, new ConcurrentHashMap<>()));
    }

    void start() {
        publisher("kafka", this::publishTransactions);
        publisher("rabbitmq", this::publishJobs);
        publisher("mqtt", this::publishStatuses);
        publisher("nats", this::publishOrders);
        publisher("redis", this::publishInvalidations);
        publisher("redis-notifications", this::publishNotifications);
    }

    /** How much each publisher has had taken by its broker so far. */
    String published() {
        return "transactions " + transactions.size() + ", jobs " + jobs.size() + ", statuses " + statusesAcknowledged.get()
                + ", orders " + orders.size() + ", invalidations " + invalidatedKeys.size();
    }

    String deviceId(int device) {
        return "POS-FAULT-" + run + "-" + device;
    }

    private void publisher(String name, Runnable loop) {
        Thread thread = new Thread(loop, "traffic-" + name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler((dead, failure) -> stoppedPublishers.put(name, failure.toString()));
        publishers.add(thread);
        thread.start();
    }

    private void publishTransactions() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get("mstore.kafka.brokers"));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; running; i++) {
                String code = "TRX-FAULT-%s-%05d".formatted(run, i);
                String receipt = code.toLowerCase() + "@example.com";
                String json = "{\"transactionCode\": \"%s\", \"branchId\": 3, \"grandTotal\": %d, \"customerEmail\": \"%s\"}"
                        .formatted(code, i, receipt);
                while (running) {
                    try {
                        producer.send(new ProducerRecord<>(settings.get("mstore.transactions.topic"), code, json)).get();
                        transactions.add(code);
                        receipts.add(receipt);
                        break;
                    } catch (Exception notTaken) {
                        pause();
                    }
                }
                pause();
            }
        }
    }

    private void publishJobs() {
        ConnectionFactory factory = new ConnectionFactory();
        try {
            factory.setUri(settings.get("mstore.rabbitmq.addresses"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        factory.setVirtualHost("/");
        factory.setAutomaticRecoveryEnabled(false);
        com.rabbitmq.client.Connection connection = null;
        Channel channel = null;
        for (int i = 0; running; i++) {
            String jobId = "JOB-FAULT-%s-%05d".formatted(run, i);
            byte[] job = ("{\"jobId\": \"%s\", \"type\": \"transaction_receipt\", \"to\": \"%s@example.com\", \"transactionId\": %d}"
                    .formatted(jobId, jobId.toLowerCase(), i)).getBytes(StandardCharsets.UTF_8);
            while (running) {
                try {
                    if (channel == null || !channel.isOpen()) {
                        closeQuietly(connection);
                        connection = factory.newConnection("fault-traffic");
                        channel = connection.createChannel();
                        channel.confirmSelect();
                    }
                    channel.basicPublish("", settings.get("mstore.emails.queue"),
                            new AMQP.BasicProperties.Builder().deliveryMode(2).contentType("application/json").build(), job);
                    channel.waitForConfirmsOrDie(5_000);
                    jobs.add(jobId);
                    break;
                } catch (Exception notTaken) {
                    channel = null;
                    pause();
                }
            }
            pause();
        }
        closeQuietly(connection);
    }

    private void publishStatuses() {
        MqttClient client = null;
        for (long n = 1; running; n++) {
            int device = (int) (n % DEVICES);
            long lastSeen = 1_764_320_000L + n;
            String payload = "{\"deviceId\": \"%s\", \"online\": true, \"batteryLevel\": 80, \"lastSeen\": %d}"
                    .formatted(deviceId(device), lastSeen);
            while (running) {
                try {
                    if (client == null || !client.isConnected()) {
                        disconnectQuietly(client);
                        client = new MqttClient(settings.get("mstore.mqtt.server-uri"), "fault-device-" + run, new MemoryPersistence());
                        // a publish whose PUBACK never comes fails instead of waiting for ever
                        client.setTimeToWait(5_000);
                        MqttConnectionOptions options = new MqttConnectionOptions();
                        options.setConnectionTimeout(2);
                        client.connect(options);
                    }
                    MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
                    message.setQos(1);
                    client.publish("devices/" + deviceId(device) + "/status", message);
                    newestStatus.put(deviceId(device), lastSeen);
                    statusesAcknowledged.incrementAndGet();
                    break;
                } catch (Exception notTaken) {
                    LOG.info("Traffic's MQTT publisher starts a new connection: {}", notTaken.toString());
                    disconnectQuietly(client);
                    client = null;
                    pause();
                }
            }
            pause();
        }
        disconnectQuietly(client);
    }

    private void publishOrders() {
        Options options = new Options.Builder().server(settings.get("mstore.nats.servers"))
                .maxReconnects(-1).reconnectWait(Duration.ofMillis(500))
                .connectionListener((connection, event) -> LOG.info("Traffic's NATS publisher: {}", event)).build();
        Connection nats = null;
        for (int i = 0; running; i++) {
            String orderId = "ORD-FAULT-%s-%05d".formatted(run, i);
            byte[] event = "{\"orderId\": \"%s\", \"status\": \"created\", \"updatedAt\": %d}".formatted(orderId, i)
                    .getBytes(StandardCharsets.UTF_8);
            while (running) {
                try {
                    if (nats == null) {
                        nats = Nats.connect(options);
                    }
                    long handedOver = System.currentTimeMillis();
                    nats.publish(settings.get("mstore.orders.created-subject"), event);
                    nats.publish(settings.get("mstore.orders.reserved-subject"),
                            "{\"orderId\": \"%s\", \"productId\": 5, \"quantity\": 1, \"reservedAt\": %d}".formatted(orderId, i + 1)
                                    .getBytes(StandardCharsets.UTF_8));
                    // NATS core acknowledges nothing: a flush (ping and pong) is the only proof the server
                    // has the event. After a server restart jnats was seen to report "reconnected" and
                    // then deliver none of the publisher's events; a new connection then does.
                    nats.flush(Duration.ofSeconds(2));
                    orders.put(orderId, handedOver);
                    reservations.put(orderId, handedOver);
                    break;
                } catch (Exception notTaken) {
                    if (nats != null) {
                        LOG.info("Traffic's NATS publisher starts a new connection: {}, {}", notTaken.toString(),
                                nats.getStatistics().toString().replaceAll("\\s+", " "));
                    }
                    closeQuietly(nats);
                    nats = null;
                    pause();
                }
            }
            pause();
        }
        closeQuietly(nats);
    }

    private void publishInvalidations() {
        AtomicInteger next = new AtomicInteger();
        while (running) {
            String key = "cache:fault:" + run + ":" + next.getAndIncrement();
            try (Jedis redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")))) {
                redis.set(key, "stale");
                redis.publish(settings.get("mstore.cache-invalidation.invalidate-channel"), "{\"key\": \"" + key + "\"}");
                invalidatedKeys.put(key, System.currentTimeMillis());
            } catch (Exception notTaken) {
                // Redis is away: the backend has nothing to invalidate against either
            }
            pause();
        }
    }

    private void publishNotifications() {
        for (int i = 0; running; i++) {
            long user = users.get(i % users.size());
            String message = "n-" + run + "-" + i;
            try (Jedis redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")))) {
                long at = System.currentTimeMillis();
                long receivers = redis.publish("user:" + user + ":notifications", "{\"userId\": " + user + ", \"message\": \"" + message + "\"}");
                notifications.get(user).put(message, at);
                notificationReceivers.put(message, receivers);
            } catch (Exception notTaken) {
                // Redis is away: the backend could not notify anyone either
            }
            pause();
        }
    }

    /** The generator's own pace between messages; nothing waits on a result here. */
    private static void pause() {
        LockSupport.parkNanos(PAUSE_NANOS);
    }

    private static void disconnectQuietly(MqttClient client) {
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.disconnect();
                }
                client.close();
            } catch (Exception ignored) {
                // the broker may be gone
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // the broker may be gone
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread publisher : publishers) {
            publisher.join(TimeUnit.SECONDS.toMillis(130));
        }
    }
}

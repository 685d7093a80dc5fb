package com.mstore.hub.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Flow 1: transactions consumed from Kafka and audited to Kafka, against two plain kafka-clients
 * loops: the same exactly-once work (the flow's physical limit), and a plain at-least-once copy.
 * Measured twice: up to the audit record, and up to the receipt job confirmed by RabbitMQ (the whole
 * flow, against the exactly-once loop that also publishes each receipt).
 */
final class TransactionsFlow implements Flow {

    static final String PLAIN = "raw-plain";
    private static final com.rabbitmq.client.AMQP.BasicProperties PERSISTENT_JSON = new com.rabbitmq.client.AMQP.BasicProperties.Builder()
            .contentType("application/json").deliveryMode(2).priority(1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String brokers;
    private final String run;
    private final int batchSize;
    private final KafkaProducer<String, String> producer;
    /** Measured up to the receipt job (the whole flow) rather than up to the audit record. */
    private final boolean toReceipts;
    private final com.rabbitmq.client.Connection rabbit;

    TransactionsFlow(Map<String, String> settings, String run, int batchSize, boolean toReceipts) throws Exception {
        this.brokers = settings.get("mstore.kafka.brokers");
        this.run = run;
        this.batchSize = batchSize;
        this.toReceipts = toReceipts;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers))) {
            List<NewTopic> topics = new java.util.ArrayList<>(List.of(topic("transactions", RAW), topic("audit", RAW)));
            if (toReceipts) {
                // the hub's topics are the other measurement's: one hub, measured at two points
                com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
                factory.setUri(settings.get("mstore.rabbitmq.addresses"));
                factory.setVirtualHost("/");
                rabbit = factory.newConnection("bench-receipts");
                try (com.rabbitmq.client.Channel channel = rabbit.createChannel()) {
                    channel.queueDeclare(receiptQueue(), true, false, false, Map.of("x-max-priority", 9));
                }
            } else {
                rabbit = null;
                topics.addAll(List.of(topic("transactions", HUB), topic("transactions", PLAIN), topic("audit", HUB),
                        topic("audit", PLAIN), topic("dlq", HUB)));
            }
            admin.createTopics(topics).all().get();
        }
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private NewTopic topic(String kind, String side) {
        return new NewTopic(name(kind, side), 1, (short) 1);
    }

    private String name(String kind, String side) {
        return "bench-" + kind + "-" + side + (toReceipts && !HUB.equals(side) ? "-receipts" : "") + "-" + run;
    }

    private String receiptQueue() {
        return "bench-receipts-raw-" + run;
    }

    @Override
    public String name() {
        return toReceipts ? "transactions to receipts (Kafka, RabbitMQ)" : "transactions (Kafka)";
    }

    @Override
    public Map<String, String> baselines() {
        Map<String, String> baselines = new LinkedHashMap<>();
        if (toReceipts) {
            baselines.put(RAW, "the exactly-once loop below, then each record's receipt job published to RabbitMQ "
                    + "(persistent, mandatory) and the poll's confirms awaited, in the same thread; leaves out the JSON "
                    + "schema, Redis dedupe, reading the receipts back from the committed audit log and the cache invalidations");
            return baselines;
        }
        baselines.put(RAW, "kafka-clients exactly-once loop: one transaction per poll of up to " + batchSize
                + " records (JSON parsed, an audit field added, written to the audit topic), the poll's offsets sent with "
                + "the consumer's group metadata; leaves out the JSON schema, the size and UTF-8 checks, Redis dedupe "
                + "and the receipts and cache invalidations read back from the audit log");
        baselines.put(PLAIN, "kafka-clients at-least-once loop: each poll's records copied to the audit topic, "
                + "offsets committed after each batch, no transaction and no JSON work");
        return baselines;
    }

    @Override
    public Map<String, String> hubSettings() {
        return Map.of("mstore.transactions.topic", name("transactions", HUB),
                "mstore.transactions.audit-topic", name("audit", HUB),
                "mstore.transactions.dlq-topic", name("dlq", HUB),
                "mstore.transactions.consumer-group", "bench-hub-" + run,
                "mstore.transactions.receipts-consumer-group", "bench-hub-receipts-" + run,
                "mstore.transactions.batch-size", String.valueOf(batchSize));
    }

    @Override
    public String hubRoute() {
        return toReceipts ? "transaction-receipts" : "transactions-audit";
    }

    /** The receipts this flow enqueues are not mailed during its passes: mailing is flow 3's benchmark. */
    @Override
    public void beforeHubPasses(org.apache.camel.CamelContext hub) throws Exception {
        hub.getRouteController().stopRoute("email-jobs");
    }

    @Override
    public AutoCloseable startBaseline(String baseline, Recorder recorder) {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread loop = new Thread(() -> {
            try {
                if (RAW.equals(baseline)) {
                    exactlyOnceLoop(recorder, running);
                } else {
                    plainLoop(recorder, running);
                }
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "bench-kafka-" + baseline);
        loop.start();
        return () -> {
            running.set(false);
            loop.join();
            if (failed.get() != null) {
                throw new IllegalStateException("the " + baseline + " loop failed", failed.get());
            }
        };
    }

    private Properties consumerConfig(String side) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        // one group per baseline for the whole run, as the hub's: a pass starts where the last ended
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + side + "-" + run);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
        return config;
    }

    private void exactlyOnceLoop(Recorder recorder, AtomicBoolean running) throws Exception {
        Properties consumerConfig = consumerConfig(RAW);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-raw-eos-" + (toReceipts ? "receipts-" : "") + run);
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<String, byte[]> transactional = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
            transactional.initTransactions();
            consumer.subscribe(List.of(name("transactions", RAW)));
            com.rabbitmq.client.Channel receipts = rabbit == null ? null : rabbit.createChannel();
            if (receipts != null) {
                receipts.confirmSelect();
            }
            while (running.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(50));
                if (records.isEmpty()) {
                    continue;
                }
                transactional.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, byte[]> record : records) {
                    ObjectNode audited = (ObjectNode) JSON.readTree(record.value());
                    audited.putObject("audit").put("receivedAt", Instant.now().toString())
                            .put("sourceTopic", record.topic()).put("sourcePartition", record.partition())
                            .put("sourceOffset", record.offset());
                    transactional.send(new ProducerRecord<>(name("audit", RAW), record.key(), JSON.writeValueAsBytes(audited)));
                    offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                }
                transactional.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                transactional.commitTransaction();
                if (receipts != null) {
                    for (ConsumerRecord<String, byte[]> record : records) {
                        receipts.basicPublish("", receiptQueue(), true, PERSISTENT_JSON,
                                ("{\"jobId\": \"" + record.key() + "\", \"type\": \"transaction_receipt\", \"to\": \"c@example.com\"}")
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    }
                    receipts.waitForConfirmsOrDie(10_000);
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    recorder.done(recorder.marker().find(record.key()));
                }
            }
        }
    }

    private void plainLoop(Recorder recorder, AtomicBoolean running) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(PLAIN), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(name("transactions", PLAIN)));
            while (running.get()) {
                var records = consumer.poll(Duration.ofMillis(50));
                if (records.isEmpty()) {
                    continue;
                }
                for (ConsumerRecord<String, String> record : records) {
                    producer.send(new ProducerRecord<>(name("audit", PLAIN), record.key(), record.value()));
                }
                producer.flush();
                consumer.commitSync();
                for (ConsumerRecord<String, String> record : records) {
                    recorder.done(recorder.marker().find(record.key()));
                }
            }
        }
    }

    @Override
    public void send(Recorder recorder, String side, int perSecond) {
        Pace pace = new Pace(perSecond);
        for (int i = 0; i < recorder.messages(); i++) {
            pace.before(i);
            String code = "TRX-" + recorder.marker().of(i);
            recorder.sent(i);
            // with a customer email: the hub enqueues a receipt for each
            producer.send(new ProducerRecord<>(name("transactions", side), code,
                    "{\"transactionCode\": \"%s\", \"branchId\": %d, \"grandTotal\": %d, \"currency\": \"IDR\", \"customerEmail\": \"c%d@example.com\", \"createdAt\": \"2026-11-28T10:00:00Z\"}"
                            .formatted(code, 1 + i % 9, i, i)));
        }
        producer.flush();
    }

    @Override
    public void close() throws Exception {
        producer.close(Duration.ofSeconds(5));
        if (rabbit != null) {
            try (com.rabbitmq.client.Channel channel = rabbit.createChannel()) {
                channel.queueDelete(receiptQueue());
            }
            rabbit.close();
        }
    }
}

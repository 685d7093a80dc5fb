package com.mstore.hub.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Flow 1: transactions consumed from Kafka and audited to Kafka. */
final class TransactionsFlow implements Flow {

    private final String brokers;
    private final String run;
    private final KafkaProducer<String, String> producer;

    TransactionsFlow(Map<String, String> settings, String run) throws Exception {
        this.brokers = settings.get("mstore.kafka.brokers");
        this.run = run;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", brokers))) {
            admin.createTopics(List.of(topic("transactions", true), topic("transactions", false),
                    topic("audit", true), topic("audit", false), topic("dlq", true))).all().get();
        }
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private NewTopic topic(String kind, boolean hub) {
        return new NewTopic(name(kind, hub), 1, (short) 1);
    }

    private String name(String kind, boolean hub) {
        return "bench-" + kind + (hub ? "-hub-" : "-raw-") + run;
    }

    @Override
    public String name() {
        return "transactions (Kafka)";
    }

    @Override
    public String baseline() {
        return "kafka-clients consumer -> producer to the audit topic, offsets committed after each batch; "
                + "leaves out JSON validation, Redis dedupe, the transactional (exactly-once) audit producer and the cache invalidation";
    }

    @Override
    public Map<String, String> hubSettings() {
        return Map.of("mstore.transactions.topic", name("transactions", true),
                "mstore.transactions.audit-topic", name("audit", true),
                "mstore.transactions.dlq-topic", name("dlq", true),
                "mstore.transactions.consumer-group", "bench-hub-" + run);
    }

    @Override
    public String hubRoute() {
        return "transactions-audit";
    }

    @Override
    public AutoCloseable startBaseline(Recorder recorder) {
        AtomicBoolean running = new AtomicBoolean(true);
        Thread loop = new Thread(() -> {
            Properties config = new Properties();
            config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            config.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-raw-" + run + "-" + System.nanoTime());
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(name("transactions", false)));
                while (running.get()) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    if (records.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<String, String> record : records) {
                        producer.send(new ProducerRecord<>(name("audit", false), record.key(), record.value()));
                    }
                    producer.flush();
                    consumer.commitSync();
                    for (ConsumerRecord<String, String> record : records) {
                        recorder.done(recorder.marker().find(record.key()));
                    }
                }
            }
        }, "bench-kafka-baseline");
        loop.start();
        return () -> {
            running.set(false);
            loop.join();
        };
    }

    @Override
    public void send(Recorder recorder, boolean toHub, int perSecond) {
        Pace pace = new Pace(perSecond);
        for (int i = 0; i < recorder.messages(); i++) {
            pace.before(i);
            String code = "TRX-" + recorder.marker().of(i);
            recorder.sent(i);
            producer.send(new ProducerRecord<>(name("transactions", toHub), code,
                    "{\"transactionCode\": \"%s\", \"branchId\": 3, \"grandTotal\": %d}".formatted(code, i)));
        }
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}

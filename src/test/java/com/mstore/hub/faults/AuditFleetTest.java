package com.mstore.hub.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.mstore.hub.testing.HubProcess;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.TestBrokers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flow 1 run by a fleet: two hub processes in one consumer group on a topic of four partitions,
 * while the backend keeps publishing. Whatever happens to one of them (paused in the middle of a
 * batch until the group gives its partitions to the other, killed, joined by another), every
 * transaction Kafka acknowledged is audited exactly once, as a read_committed reader sees the log.
 */
class AuditFleetTest {

    private static final Logger LOG = LoggerFactory.getLogger(AuditFleetTest.class);
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private final String topic = settings.get("mstore.transactions.topic");
    private final String auditTopic = settings.get("mstore.transactions.audit-topic");
    private final String group = settings.get("mstore.transactions.consumer-group");
    private final List<Process> hubs = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Admin admin;
    private KafkaClient kafka;
    private Traffic traffic;

    @BeforeEach
    void setUp() throws Exception {
        settings.put("mstore.emails.worker-enabled", "false");
        settings.put("mstore.devices.session-expiry-seconds", "30");
        settings.put("mstore.http.auth-required", "false");
        // a silent instance loses its partitions within seconds, not the production 45 s
        settings.put("mstore.transactions.session-timeout-ms", "6000");
        settings.put("mstore.transactions.heartbeat-interval-ms", "1000");
        // a killed instance's open transaction is aborted by Kafka after this (not the production minute)
        settings.put("mstore.transactions.transaction-timeout-ms", "15000");
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get("mstore.kafka.brokers")));
        admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get(30, TimeUnit.SECONDS);
        kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
        traffic = new Traffic(settings.get("mstore.kafka.brokers"), topic, run);
    }

    @AfterEach
    void tearDown() throws Exception {
        traffic.close();
        for (Process hub : hubs) {
            signal(hub, "CONT");
            hub.destroyForcibly();
            hub.waitFor(30, TimeUnit.SECONDS);
        }
        kafka.close();
        admin.close();
    }

    /**
     * An instance stopped (SIGSTOP) with a transaction open, before it sent the batch's offsets: the
     * group gives its partitions to the other, which audits those records again. Resumed, the
     * stopped one finishes its batch with the old group generation: Kafka refuses the offsets, its
     * transaction is aborted and none of its records become visible.
     */
    @Test
    void anInstancePausedMidBatchUntilTheGroupRebalancesCannotCommitItsOldBatch() throws Exception {
        Path pausedLog = Files.createTempFile("hub-paused-", ".log");
        Process paused = start("fleet-a-" + run, pausedLog);
        Process other = start("fleet-b-" + run, Files.createTempFile("hub-other-", ".log"));
        await().atMost(PATIENCE).until(() -> members() == 2);
        traffic.start();
        awaitAuditedMore(300);

        String transactionalId = "mstore-hub-audit-fleet-a-" + run;
        await("the instance caught with a transaction open, its offsets not yet sent").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(20)).until(() -> {
                    signal(paused, "STOP");
                    if (openWithoutOffsets(transactionalId)) {
                        return true;
                    }
                    signal(paused, "CONT");
                    return false;
                });
        LOG.info("Stopped {} in the middle of a batch", transactionalId);
        try {
            await("the group rebalanced without it").atMost(PATIENCE).until(() -> members() == 1);
            // the other instance now audits the stopped one's partitions from their committed offsets
            awaitAuditedMore(200);
        } finally {
            signal(paused, "CONT");
        }
        await("its old batch refused").atMost(PATIENCE).until(() -> Files.readString(pausedLog).contains("the consumer group moved on"));
        traffic.stop();
        await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
        assertAuditedExactlyOnce();
        assertThat(other.isAlive() && paused.isAlive()).isTrue();
    }

    /** A second instance joins, then the first is killed (SIGKILL): nothing lost, nothing doubled. */
    @Test
    void anInstanceJoiningAndAnotherKilledUnderTrafficLoseAndDoubleNothing() throws Exception {
        Process first = start("fleet-first-" + run, Files.createTempFile("hub-first-", ".log"));
        await().atMost(PATIENCE).until(() -> members() == 1);
        traffic.start();
        awaitAuditedMore(300);
        start("fleet-second-" + run, Files.createTempFile("hub-second-", ".log"));
        await("the second instance took partitions").atMost(PATIENCE).until(() -> members() == 2);
        awaitAuditedMore(300);
        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        await("the group rebalanced without the killed one").atMost(PATIENCE).until(() -> members() == 1);
        awaitAuditedMore(300);
        traffic.stop();
        await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
        assertAuditedExactlyOnce();
    }

    /**
     * The backend publishes each transaction twice, on two partitions that two instances read at the
     * same moment (a code published with no key, or with another key the second time): each
     * instance finds the code new in its own batch, and both would audit it. Each is audited once.
     */
    @Test
    void aCodeOnTwoPartitionsReadByTwoInstancesAtOnceIsAuditedOnce() throws Exception {
        start("fleet-left-" + run, Files.createTempFile("hub-left-", ".log"));
        start("fleet-right-" + run, Files.createTempFile("hub-right-", ".log"));
        await().atMost(PATIENCE).until(() -> members() == 2);
        List<Integer> apart = partitionsOfEachMember().stream().map(partitions -> partitions.get(0)).toList();
        Set<String> published = new java.util.HashSet<>();
        for (int i = 0; i < 400; i++) {
            String code = "TRX-TWICE-%s-%04d".formatted(run, i);
            String value = "{\"transactionCode\": \"%s\", \"branchId\": 1, \"grandTotal\": %d}".formatted(code, i);
            for (int partition : apart) {
                traffic.producer.send(new ProducerRecord<>(topic, partition, code, value));
            }
            published.add(code);
        }
        traffic.producer.flush();
        await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
        await("no open transaction holding back the audit log").atMost(PATIENCE).until(this::auditLogSettled);
        Map<String, Long> auditedPerCode = kafka.readAll(auditTopic).stream()
                .filter(record -> record.key().startsWith("TRX-TWICE-" + run))
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertThat(auditedPerCode.keySet()).isEqualTo(published);
        assertThat(auditedPerCode.entrySet().stream().filter(code -> code.getValue() != 1).toList())
                .as("transactions audited more than once").isEmpty();
    }

    /** For each member of the group, the partitions it reads. */
    private List<List<Integer>> partitionsOfEachMember() throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get(10, TimeUnit.SECONDS).members().stream()
                .map(member -> member.assignment().topicPartitions().stream().map(p -> p.partition()).sorted().toList())
                .filter(partitions -> !partitions.isEmpty()).toList();
    }

    private Process start(String instanceId, Path log) throws IOException {
        Map<String, String> own = new HashMap<>(settings);
        own.put("mstore.instance-id", instanceId);
        Process hub = HubProcess.startHubApplication(own, Map.of(), log);
        hubs.add(hub);
        return hub;
    }

    /**
     * A killed instance's open transaction holds back what readers see of the audit log (its last
     * stable offset) until Kafka aborts it, after the transaction timeout: the log is read once it
     * has no open transaction left.
     */
    private void assertAuditedExactlyOnce() throws Exception {
        await("no open transaction holding back the audit log").atMost(PATIENCE).until(this::auditLogSettled);
        Map<String, Long> auditedPerCode = kafka.readAll(auditTopic).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        LOG.info("{} transactions published, {} audited", traffic.acknowledged.size(), auditedPerCode.size());
        assertThat(traffic.acknowledged.stream().filter(code -> !auditedPerCode.containsKey(code)).toList())
                .as("acknowledged transactions never audited").isEmpty();
        assertThat(auditedPerCode.entrySet().stream().filter(code -> code.getValue() != 1).toList())
                .as("transactions audited more than once").isEmpty();
    }

    private boolean auditLogSettled() throws Exception {
        List<org.apache.kafka.common.TopicPartition> partitions = admin.describeTopics(List.of(auditTopic)).allTopicNames()
                .get(10, TimeUnit.SECONDS).get(auditTopic).partitions().stream()
                .map(p -> new org.apache.kafka.common.TopicPartition(auditTopic, p.partition())).toList();
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = partitions.stream()
                .collect(Collectors.toMap(p -> p, p -> org.apache.kafka.clients.admin.OffsetSpec.latest()));
        var stable = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
        var written = admin.listOffsets(latest, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                org.apache.kafka.common.IsolationLevel.READ_UNCOMMITTED)).all().get(10, TimeUnit.SECONDS);
        return partitions.stream().allMatch(p -> stable.get(p).offset() == written.get(p).offset());
    }

    /** Waits until the group has committed this many more records (cheap to read, unlike the log itself). */
    private void awaitAuditedMore(long records) throws Exception {
        long before = committed();
        await().atMost(PATIENCE).until(() -> committed() >= before + records);
    }

    private long committed() throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                .values().stream().filter(java.util.Objects::nonNull).mapToLong(offset -> offset.offset()).sum();
    }

    private int members() throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                .get(10, TimeUnit.SECONDS);
        return (int) description.members().stream().filter(member -> !member.assignment().topicPartitions().isEmpty()).count();
    }

    /** The instance's transaction is open (records sent) and the batch's offsets are not in it yet. */
    private boolean openWithoutOffsets(String transactionalId) {
        try {
            TransactionDescription description = admin.describeTransactions(List.of(transactionalId))
                    .description(transactionalId).get(5, TimeUnit.SECONDS);
            return description.state() == TransactionState.ONGOING
                    && description.topicPartitions().stream().noneMatch(partition -> partition.topic().equals("__consumer_offsets"));
        } catch (Exception notYet) {
            return false;
        }
    }

    private static void signal(Process process, String signal) throws IOException, InterruptedException {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
        }
    }

    /** The backend publishing transactions across the partitions, recording what Kafka acknowledged. */
    private static final class Traffic implements AutoCloseable {
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final KafkaProducer<String, String> producer;
        private final String topic;
        private final String run;
        private volatile boolean running;
        private Thread thread;

        Traffic(String brokers, String topic, String run) {
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            this.producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
            this.topic = topic;
            this.run = run;
        }

        void start() {
            running = true;
            thread = new Thread(() -> {
                for (int i = 0; running; i++) {
                    String code = "TRX-FLEET-%s-%06d".formatted(run, i);
                    producer.send(new ProducerRecord<>(topic, code,
                            "{\"transactionCode\": \"%s\", \"branchId\": %d, \"grandTotal\": %d}".formatted(code, 1 + i % 9, i)),
                            (metadata, error) -> {
                                if (error == null) {
                                    acknowledged.add(code);
                                }
                            });
                    if (i % 10 == 9) {
                        // a few hundred transactions a second
                        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25));
                    }
                }
                producer.flush();
            }, "fleet-traffic");
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.join();
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            producer.close(Duration.ofSeconds(5));
        }
    }
}

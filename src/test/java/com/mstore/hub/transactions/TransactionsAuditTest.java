package com.mstore.hub.transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.local.EmbeddedRedis;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RedisSubscriber;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flow 1 against a real Kafka, Redis and RabbitMQ: CONTRACTS.md section 1. */
class TransactionsAuditTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private final String topic = settings.get("mstore.transactions.topic");
    private final String auditTopic = settings.get("mstore.transactions.audit-topic");
    private final String deadLetterTopic = settings.get("mstore.transactions.dlq-topic");
    private final String group = settings.get("mstore.transactions.consumer-group");
    private final String emailQueue = settings.get("mstore.emails.queue");
    private final String cacheChannel = settings.get("mstore.cache-invalidation.invalidate-channel");

    private KafkaClient kafka;
    private RabbitClient rabbit;

    @BeforeEach
    void setUp() {
        settings.put("mstore.instance-id", "test-" + run);
        settings.put("mstore.redelivery.initial-delay-ms", "200");
        // the jobs this flow enqueues are read here, as they are on the queue, not mailed
        settings.put("mstore.emails.worker-enabled", "false");
        kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
        rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"));
    }

    @AfterEach
    void tearDown() {
        rabbit.deleteQueue(emailQueue);
        rabbit.deleteQueue(settings.get("mstore.emails.dlq"));
        rabbit.close();
        kafka.close();
    }

    @Test
    void aValidTransactionYieldsOneAuditRecordAReceiptJobAndAnInvalidation() throws Exception {
        try (RunningHub hub = RunningHub.startWith(settings);
             RedisSubscriber invalidations = subscribeToInvalidations()) {
            // PascalCase, as the Go backend marshals its untagged structs
            kafka.send(topic, "TRX-" + run, """
                    {"ID": 42, "TransactionCode": "TRX-%s", "BranchID": 7, "GrandTotal": 150000,
                     "Currency": "IDR", "CustomerEmail": "a@example.com", "CreatedAt": "2026-11-28T10:00:00Z"}
                    """.formatted(run));

            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
            List<ConsumerRecord<String, String>> audit = kafka.readAll(auditTopic);
            assertThat(audit).hasSize(1);
            ConsumerRecord<String, String> record = audit.get(0);
            assertThat(record.key()).isEqualTo("TRX-" + run);
            JsonNode value = JSON.readTree(record.value());
            assertThat(value.get("transactionCode").asText()).isEqualTo("TRX-" + run);
            assertThat(value.get("branchId").asLong()).isEqualTo(7);
            assertThat(value.get("grandTotal").asLong()).isEqualTo(150000);
            assertThat(value.get("customerEmail").asText()).isEqualTo("a@example.com");
            JsonNode meta = value.get("audit");
            assertThat(meta.get("auditId").asText()).isNotBlank();
            assertThat(meta.get("receivedAt").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
            assertThat(meta.get("sourceTopic").asText()).isEqualTo(topic);
            assertThat(meta.get("sourcePartition").isInt()).isTrue();
            assertThat(meta.get("sourceOffset").asLong()).isEqualTo(0);
            assertThat(meta.has("traceId")).isTrue();

            await().atMost(PATIENCE).until(() -> !invalidations.messages().isEmpty());
            JsonNode invalidation = JSON.readTree(invalidations.messages().get(0));
            assertThat(invalidation.get("key").asText()).isEqualTo("cache:branch:7:sales");
            assertThat(invalidation.get("timestamp").asLong()).isPositive();

            List<RabbitClient.Delivery> jobs = rabbit.drain(emailQueue);
            assertThat(jobs).hasSize(1);
            JsonNode job = JSON.readTree(jobs.get(0).body());
            assertThat(job.get("type").asText()).isEqualTo("transaction_receipt");
            assertThat(job.get("transactionId").asLong()).isEqualTo(42);
            assertThat(job.get("to").asText()).isEqualTo("a@example.com");
            assertThat(job.get("jobId").asText()).isNotBlank();
            assertThat(jobs.get(0).properties().getDeliveryMode()).isEqualTo(2);
            assertThat(jobs.get(0).properties().getContentType()).isEqualTo("application/json");

            // processing time as a Prometheus histogram: the one exchange sits in the +Inf bucket
            assertThat(hub.metric("camel_route_policy_seconds_bucket", "routeId=\"transactions-audit\"", "le=\"+Inf\""))
                    .isEqualTo(1);
            assertThat(hub.metric("camel_route_policy_seconds_bucket", "routeId=\"transactions-audit\"", "le=\"30.0\""))
                    .isEqualTo(1);
        }
    }

    @Test
    void aTransactionWithoutCustomerEmailGetsNoReceiptJob() {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            kafka.send(topic, "TRX-NOMAIL-" + run,
                    "{\"transaction_code\": \"TRX-NOMAIL-%s\", \"branch_id\": 3, \"grand_total\": 0}".formatted(run));
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
            assertThat(kafka.readAll(auditTopic)).hasSize(1);
            assertThat(rabbit.drain(emailQueue)).isEmpty();
        }
    }

    @Test
    void theSameTransactionPublishedManyTimesAndAfterARestartIsAuditedOnce() {
        String code = "TRX-DUP-" + run;
        String payload = "{\"transactionCode\": \"%s\", \"branchId\": 1, \"grandTotal\": 10}".formatted(code);
        try (RunningHub hub = RunningHub.startWith(settings)) {
            for (int i = 0; i < 5; i++) {
                kafka.send(topic, code, payload);
            }
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
            // counted once a batch's transaction committed, a moment after its offsets
            await().atMost(PATIENCE).until(() -> hub.metric("mstore_duplicates_total", "flow=\"transactions\"") >= 4);
            assertThat(hub.metric("mstore_duplicates_total", "flow=\"transactions\"")).isEqualTo(4);
            assertThat(hub.metric("camel_exchanges_failed_total", "routeId=\"transactions-audit\"")).isZero();
        }
        try (RunningHub restarted = RunningHub.startWith(settings)) {
            kafka.send(topic, code, payload);
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
        }
        assertThat(kafka.readAll(auditTopic)).hasSize(1);
    }

    @Test
    void aHubKilledInTheMiddleOfThreeThousandTransactionsAuditsEachExactlyOnceAfterRestart() {
        int count = 3000;
        // small batches (a transaction each), so the kill comes with most of the topic still to do
        settings.put("mstore.transactions.batch-size", "10");
        RunningHub first = RunningHub.startWith(settings);
        for (int i = 0; i < count; i++) {
            String code = "TRX-%s-%04d".formatted(run, i);
            kafka.send(topic, code, "{\"transactionCode\": \"%s\", \"branchId\": %d, \"grandTotal\": %d}"
                    .formatted(code, 1 + i % 9, i));
        }
        await().atMost(PATIENCE).until(() -> first.completed("transactions-audit") >= 5);
        first.kill();
        int auditedBeforeKill = kafka.readAll(auditTopic).size();
        assertThat(auditedBeforeKill).isLessThan(count);

        try (RunningHub restarted = RunningHub.startWith(settings)) {
            await().atMost(Duration.ofMinutes(3)).until(() -> kafka.caughtUp(group, topic));
        }
        Map<String, Long> recordsPerCode = kafka.readAll(auditTopic).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertThat(recordsPerCode).hasSize(count);
        assertThat(recordsPerCode.values()).allMatch(n -> n == 1);
    }

    @Test
    void eachKindOfBadInputLandsInTheDeadLetterTopicWithItsReasonAndTheFlowGoesOn() throws Exception {
        Map<String, String> badInputs = new java.util.LinkedHashMap<>();
        badInputs.put("not-json", "this is not json");
        badInputs.put("empty-body", "");
        badInputs.put("missing-code", "{\"branchId\": 7, \"grandTotal\": 100}");
        badInputs.put("negative-total", "{\"transactionCode\": \"TRX-NEG\", \"branchId\": 7, \"grandTotal\": -1}");
        badInputs.put("wrong-types", "{\"transactionCode\": 12, \"branchId\": \"seven\", \"grandTotal\": \"lots\"}");
        badInputs.put("huge-body", "{\"transactionCode\": \"TRX-BIG\", \"branchId\": 7, \"grandTotal\": 1, \"pad\": \""
                + "x".repeat(2 * 1024 * 1024) + "\"}");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            for (Map.Entry<String, String> bad : badInputs.entrySet()) {
                kafka.send(topic, bad.getKey(), bad.getValue().getBytes(StandardCharsets.UTF_8));
                String good = "TRX-GOOD-" + bad.getKey() + "-" + run;
                kafka.send(topic, good, "{\"transactionCode\": \"%s\", \"branchId\": 2, \"grandTotal\": 5}".formatted(good));
            }
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
        }
        Map<String, ConsumerRecord<String, String>> dead = kafka.readAll(deadLetterTopic).stream()
                .collect(Collectors.toMap(ConsumerRecord::key, Function.identity()));
        assertThat(dead.keySet()).containsExactlyInAnyOrderElementsOf(badInputs.keySet());
        assertThat(reason(dead.get("not-json"))).isEqualTo("not-json");
        assertThat(reason(dead.get("empty-body"))).isEqualTo("empty-body");
        assertThat(reason(dead.get("missing-code"))).isEqualTo("invalid-payload");
        assertThat(header(dead.get("missing-code"), "mstore-error-message")).contains("transactionCode");
        assertThat(reason(dead.get("negative-total"))).isEqualTo("invalid-payload");
        assertThat(header(dead.get("negative-total"), "mstore-error-message")).contains("grandTotal");
        assertThat(reason(dead.get("wrong-types"))).isEqualTo("invalid-payload");
        assertThat(reason(dead.get("huge-body"))).isEqualTo("too-large");
        for (Map.Entry<String, String> bad : badInputs.entrySet()) {
            ConsumerRecord<String, String> record = dead.get(bad.getKey());
            assertThat(record.value()).as("dead letter keeps the record unchanged").isEqualTo(bad.getValue());
            assertThat(header(record, "mstore-source-topic")).isEqualTo(topic);
            assertThat(header(record, "mstore-source-partition")).matches("\\d+");
            assertThat(header(record, "mstore-source-offset")).matches("\\d+");
            assertThat(header(record, "mstore-failed-at")).isNotBlank();
        }
        List<String> audited = kafka.readAll(auditTopic).stream().map(ConsumerRecord::key).toList();
        assertThat(audited).containsExactlyInAnyOrderElementsOf(
                badInputs.keySet().stream().map(k -> "TRX-GOOD-" + k + "-" + run).toList());
    }

    /**
     * One poll holding good transactions, poison, a copy of a transaction audited earlier and two
     * copies of a new one: one audit record per code, the poison in the dead-letter topic with its
     * reasons (and no receipt for it, though it names a customer), every offset committed.
     */
    @Test
    void aBatchMixingGoodPoisonAndDuplicateRecordsAuditsEachCodeOnceAndDeadLettersThePoison() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", settings.get("mstore.kafka.brokers")))) {
            // one partition: everything below is one poll's worth, so one batch
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all().get();
        }
        String audited = "TRX-EARLIER-" + run;
        try (RunningHub first = RunningHub.startWith(settings)) {
            kafka.send(topic, audited, transaction(audited, "earlier@example.com", 1));
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
        }
        String good = "TRX-GOOD-" + run;
        String twice = "TRX-TWICE-" + run;
        String noMail = "TRX-NOMAIL-" + run;
        kafka.send(topic, good, transaction(good, "good@example.com", 10));
        kafka.send(topic, "poison-not-json", "{\"transactionCode\": ");
        kafka.send(topic, "poison-negative", "{\"transactionCode\": \"TRX-NEG-%s\", \"branchId\": 7, \"grandTotal\": -5, \"customerEmail\": \"neg@example.com\"}".formatted(run));
        kafka.send(topic, audited, transaction(audited, "earlier@example.com", 1));
        kafka.send(topic, twice, transaction(twice, "twice@example.com", 20));
        kafka.send(topic, twice, transaction(twice, "twice@example.com", 20));
        kafka.send(topic, noMail, "{\"transactionCode\": \"%s\", \"branchId\": 5, \"grandTotal\": 30}".formatted(noMail));
        try (RunningHub hub = RunningHub.startWith(settings)) {
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic)
                    && kafka.caughtUp(settings.get("mstore.transactions.receipts-consumer-group"), auditTopic));
            // the offsets are committed inside the batch, a moment before its exchange completes
            await().atMost(PATIENCE).until(() -> hub.completed("transactions-audit") >= 1);
            assertThat(hub.completed("transactions-audit")).as("the seven records came as one batch").isEqualTo(1);
            assertThat(hub.metric("mstore_duplicates_total", "flow=\"transactions\"")).isEqualTo(2);
        }
        Map<String, Long> auditedPerCode = kafka.readAll(auditTopic).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertThat(auditedPerCode).containsOnly(Map.entry(audited, 1L), Map.entry(good, 1L), Map.entry(twice, 1L), Map.entry(noMail, 1L));
        Map<String, String> reasons = kafka.readAll(deadLetterTopic).stream()
                .collect(Collectors.toMap(ConsumerRecord::key, TransactionsAuditTest::reason));
        assertThat(reasons).containsOnly(Map.entry("poison-not-json", "not-json"), Map.entry("poison-negative", "invalid-payload"));
        Map<String, Long> receiptsPerRecipient = rabbit.drain(emailQueue).stream()
                .map(job -> json(job.body()).path("to").asText())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(receiptsPerRecipient).containsOnly(Map.entry("earlier@example.com", 1L), Map.entry("good@example.com", 1L),
                Map.entry("twice@example.com", 1L));
    }

    private static String transaction(String code, String email, long total) {
        return "{\"transactionCode\": \"%s\", \"branchId\": 4, \"grandTotal\": %d, \"customerEmail\": \"%s\"}"
                .formatted(code, total, email);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void whileRedisIsDownRecordsWaitAndAreRetriedNoneLostNoneDuplicated() {
        int redisPort = Ports.free();
        EmbeddedRedis redis = EmbeddedRedis.start(redisPort);
        settings.put("mstore.redis.port", String.valueOf(redisPort));
        try (RunningHub hub = RunningHub.startWith(settings)) {
            publishNumbered("BEFORE", 20);
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));

            redis.close();
            publishNumbered("DURING", 20);
            await().atMost(PATIENCE).until(() -> hub.redeliveries() > 0);
            redis = EmbeddedRedis.start(redisPort);

            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic)
                    && kafka.caughtUp(settings.get("mstore.transactions.receipts-consumer-group"), auditTopic));
            assertThat(hub.metric("mstore_redeliveries_total", "route=\"transactions-audit\"")).isPositive();
            assertThat(hub.metric("mstore_redeliveries_total")).isEqualTo(hub.redeliveries());
        } finally {
            redis.close();
        }
        Map<String, Long> recordsPerCode = kafka.readAll(auditTopic).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertThat(recordsPerCode).hasSize(40);
        assertThat(recordsPerCode.values()).allMatch(n -> n == 1);
        assertThat(kafka.readAll(deadLetterTopic)).isEmpty();
    }

    private void publishNumbered(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            String code = "TRX-%s-%s-%02d".formatted(prefix, run, i);
            kafka.send(topic, code, "{\"transactionCode\": \"%s\", \"branchId\": 4, \"grandTotal\": %d}".formatted(code, i));
        }
    }

    private RedisSubscriber subscribeToInvalidations() {
        return new RedisSubscriber(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")),
                cacheChannel);
    }

    private static String reason(ConsumerRecord<String, String> record) {
        return header(record, "mstore-error-reason");
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}

package com.mstore.hub.transactions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.KafkaKraftBroker;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.KafkaStallingProxy;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit log when Kafka misbehaves, on a Kafka of this test's own (behind a proxy that can hold
 * back a commit's answer, or stopped outright): what Kafka acknowledged is audited exactly once,
 * and what follows an audited transaction (its receipt) follows it once, whatever failed between.
 */
class AuditLogFaultsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private final String topic = settings.get("mstore.transactions.topic");
    private final String auditTopic = settings.get("mstore.transactions.audit-topic");
    private final String group = settings.get("mstore.transactions.consumer-group");
    private final String emailQueue = settings.get("mstore.emails.queue");

    private KafkaKraftBroker broker;
    private KafkaStallingProxy proxy;
    private KafkaClient kafka;

    @BeforeEach
    void setUp() throws Exception {
        int proxyPort = Ports.free();
        broker = KafkaKraftBroker.start(Ports.free(), proxyPort);
        proxy = new KafkaStallingProxy(proxyPort, broker.port());
        settings.put("mstore.kafka.brokers", "localhost:" + proxyPort);
        settings.put("mstore.instance-id", "faults-" + run);
        // a Kafka that does not answer is given up on within two seconds per call
        settings.put("mstore.transactions.kafka-timeout-ms", "2000");
        settings.put("mstore.transactions.commit-retry-ms", "15000");
        settings.put("mstore.redelivery.maximum-redeliveries", "2");
        settings.put("mstore.redelivery.initial-delay-ms", "100");
        settings.put("mstore.emails.worker-enabled", "false");
        kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
    }

    @AfterEach
    void tearDown() throws Exception {
        kafka.close();
        proxy.close();
        broker.close();
        try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
            rabbit.deleteQueue(emailQueue);
            rabbit.deleteQueue(settings.get("mstore.emails.dlq"));
        }
    }

    /**
     * Kafka commits the transaction but its answer comes too late: the commit's outcome is unknown to
     * the hub, which must commit again and wait, not abort and write the batch a second time.
     */
    @Test
    void aCommitThatTimesOutIsCommittedAgainNotWrittenTwice() {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            publish("BEFORE", 20);
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
            proxy.stallNextCommitAnswer(Duration.ofSeconds(6));
            publish("STALLED", 50);
            await().atMost(PATIENCE).until(() -> proxy.stalled() == 1 && kafka.caughtUp(group, topic));
            publish("AFTER", 20);
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
        }
        assertThat(auditedPerCode()).hasSize(90).allSatisfy((code, records) -> assertThat(records).as(code).isEqualTo(1));
    }

    /**
     * A copy of a transaction audited earlier arrives, and Kafka becomes unreachable before its batch
     * is committed, for longer than the whole redelivery budget: the dedupe key must survive the
     * failures, so that the copy read again afterwards is still a duplicate.
     */
    @Test
    void aRepublishedAuditedTransactionDuringAKafkaOutageLongerThanTheRedeliveryBudgetIsStillAuditedOnce() throws Exception {
        String code = "TRX-AGAIN-" + run;
        // a batch waits this long for more records: time to stop Kafka once the copy has been read
        settings.put("mstore.transactions.batch-wait-ms", "3000");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            kafka.send(topic, code, transaction(code));
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
            double consumed = recordsConsumed();
            kafka.send(topic, code, transaction(code));
            await().atMost(PATIENCE).until(() -> recordsConsumed() > consumed);
            proxy.cut();
            try {
                // every redelivery spent, and the dead-letter write failed too: the batch is left in Kafka
                await().atMost(PATIENCE).until(() -> hub.failed("transactions-audit") >= 1);
            } finally {
                proxy.restore();
            }
            await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic));
            assertThat(hub.redeliveries()).isGreaterThanOrEqualTo(2);
        }
        assertThat(auditedPerCode()).containsOnly(Map.entry(code, 1L));
        assertThat(kafka.readAll(settings.get("mstore.transactions.dlq-topic"))).isEmpty();
    }

    /**
     * The hub dies after the audit commit and before the receipts are enqueued (here: the email queue
     * is gone meanwhile, so every enqueue fails): the next hub reads them back from the audit log,
     * and each audited transaction is mailed once; the dead-lettered one, though it names a customer,
     * gets none.
     */
    @Test
    void receiptsLostToACrashAfterTheAuditCommitAreEnqueuedByTheNextHubAndMailedOnce() {
        int smtpPort = Ports.free();
        try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"));
             GreenMailSmtp smtp = GreenMailSmtp.start(smtpPort)) {
            RunningHub first = RunningHub.startWith(settings);
            try {
                rabbit.deleteQueue(emailQueue);
                for (int i = 0; i < 10; i++) {
                    String code = "TRX-RECEIPT-%s-%d".formatted(run, i);
                    kafka.send(topic, code, transaction(code).replace("\"branchId\"", "\"customerEmail\": \"r%d-%s@example.com\", \"branchId\"".formatted(i, run)));
                }
                kafka.send(topic, "poison", "{\"transactionCode\": \"TRX-POISON\", \"branchId\": 0, \"grandTotal\": 1, \"customerEmail\": \"poison@example.com\"}");
                await().atMost(PATIENCE).until(() -> kafka.caughtUp(group, topic) && first.redeliveries() > 0);
                assertThat(kafka.readAll(auditTopic)).hasSize(10);
            } finally {
                first.kill();
            }
            settings.put("mstore.emails.worker-enabled", "true");
            settings.put("mstore.smtp.port", String.valueOf(smtpPort));
            try (RunningHub second = RunningHub.startWith(settings)) {
                await().atMost(PATIENCE).until(() -> smtp.mailbox().getReceivedMessages().length >= 10
                        && kafka.caughtUp(settings.get("mstore.transactions.receipts-consumer-group"), auditTopic) && rabbit.ready(emailQueue) == 0);
            }
            Map<String, Long> mailsPerRecipient = Arrays.stream(smtp.mailbox().getReceivedMessages())
                    .map(AuditLogFaultsTest::recipient)
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(mailsPerRecipient).hasSize(10).doesNotContainKey("poison@example.com")
                    .allSatisfy((recipient, mails) -> assertThat(mails).as(recipient).isEqualTo(1));
        }
    }

    /** Records the hub's Kafka consumers have taken from the transactions topic (kafka-clients' own metric). */
    private double recordsConsumed() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        double total = 0;
        for (ObjectName name : server.queryNames(new ObjectName(
                "kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*,topic=" + topic), null)) {
            total += ((Number) server.getAttribute(name, "records-consumed-total")).doubleValue();
        }
        return total;
    }

    private void publish(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            String code = "TRX-%s-%s-%02d".formatted(prefix, run, i);
            kafka.send(topic, code, transaction(code));
        }
    }

    private static String transaction(String code) {
        return "{\"transactionCode\": \"%s\", \"branchId\": 4, \"grandTotal\": 10}".formatted(code);
    }

    private Map<String, Long> auditedPerCode() {
        return kafka.readAll(auditTopic).stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
    }

    private static String recipient(MimeMessage mail) {
        try {
            return mail.getAllRecipients()[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}

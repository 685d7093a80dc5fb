package com.mstore.hub.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.HubProcess;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.MqttTestClient;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.TestBrokers;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * The hub process killed with SIGKILL (no shutdown hook, nothing drained) while transactions, email
 * jobs and device statuses flow, then started again: every transaction is audited exactly once,
 * every job is mailed (at most the jobs in flight at the kill twice, one per worker: SMTP cannot take
 * part in a transaction), the statuses devices sent while no hub ran reach it from its persistent MQTT session,
 * and the device registry holds each device's newest status.
 */
class HubKilledTest {

    private static final Logger LOG = LoggerFactory.getLogger(HubKilledTest.class);
    private static final int TRANSACTIONS = 400;
    private static final int JOBS = 60;
    private static final int DEVICES = 5;
    /** The email workers of a hub (mstore.emails.concurrency). */
    private static final int WORKERS = 4;

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();

    @Test
    void aKilledHubRestartsWithNothingLostAndNothingAuditedTwice() throws Exception {
        settings.put("mstore.instance-id", "killed-" + run);
        settings.put("mstore.devices.session-expiry-seconds", "60");
        // the claims of the jobs in flight at the kill run out within seconds, not the production minute
        settings.put("mstore.emails.claim-ttl-seconds", "10");
        try (GreenMailSmtp smtp = GreenMailSmtp.start(Ports.free());
             KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
             RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"));
             MqttTestClient devices = new MqttTestClient(settings.get("mstore.mqtt.server-uri"));
             Jedis redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")))) {
            settings.put("mstore.smtp.port", String.valueOf(smtp.port()));
            for (int i = 0; i < TRANSACTIONS / 2; i++) {
                publishTransaction(kafka, i);
            }
            Path firstLog = Files.createTempFile("hub-killed-", ".log");
            Process first = HubProcess.startHubApplication(settings, Map.of(), firstLog);
            try {
                for (int i = 0; i < JOBS / 2; i++) {
                    publishJob(rabbit, i);
                }
                for (int status = 0; status < 5; status++) {
                    publishStatuses(devices, status);
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> smtp.mailbox().getReceivedMessages().length >= 5
                        && kafka.readAll(settings.get("mstore.transactions.audit-topic")).size() >= 20);
            } finally {
                first.destroyForcibly(); // SIGKILL, here or when the above failed (no hub outlives the test)
            }
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            LOG.info("Killed the hub after {} mails and {} audit records", smtp.mailbox().getReceivedMessages().length,
                    kafka.readAll(settings.get("mstore.transactions.audit-topic")).size());

            // the backend keeps publishing while no hub runs
            for (int i = TRANSACTIONS / 2; i < TRANSACTIONS; i++) {
                publishTransaction(kafka, i);
            }
            for (int i = JOBS / 2; i < JOBS; i++) {
                publishJob(rabbit, i);
            }
            for (int status = 5; status < 8; status++) {
                publishStatuses(devices, status);
            }

            Path secondLog = Files.createTempFile("hub-killed-", ".log");
            Process second = HubProcess.startHubApplication(settings, Map.of(), secondLog);
            try {
                // statuses sent while no hub ran waited in the hub's persistent MQTT session
                awaitEveryDeviceAt(redis, 7);
                publishStatuses(devices, 8);
                await().atMost(Duration.ofSeconds(120)).until(() -> kafka.caughtUp(settings.get("mstore.transactions.consumer-group"), settings.get("mstore.transactions.topic"))
                        && rabbit.ready(settings.get("mstore.emails.queue")) == 0
                        && mailsPerRecipient(smtp).size() == JOBS);
                awaitEveryDeviceAt(redis, 8);
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }

            Map<String, Long> auditedPerCode = kafka.readAll(settings.get("mstore.transactions.audit-topic")).stream()
                    .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
            assertThat(auditedPerCode).hasSize(TRANSACTIONS);
            assertThat(auditedPerCode.values()).as("audited exactly once").allMatch(n -> n == 1);

            Map<String, Long> mails = mailsPerRecipient(smtp);
            assertThat(mails).hasSize(JOBS);
            List<String> twice = mails.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            LOG.info("Jobs mailed twice after the kill: {}", twice);
            assertThat(twice).as("only the jobs in flight at the kill (one per worker) may be mailed twice")
                    .hasSizeLessThanOrEqualTo(WORKERS);
            assertThat(mails.values()).allMatch(n -> n <= 2);
            assertThat(kafka.readAll(settings.get("mstore.transactions.dlq-topic"))).isEmpty();
            assertThat(rabbit.ready(settings.get("mstore.emails.dlq"))).isZero();
        } finally {
            try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
                rabbit.deleteQueue(settings.get("mstore.emails.queue"));
                rabbit.deleteQueue(settings.get("mstore.emails.dlq"));
            }
        }
    }

    private void publishTransaction(KafkaClient kafka, int i) {
        String code = "TRX-KILL-%s-%04d".formatted(run, i);
        kafka.send(settings.get("mstore.transactions.topic"), code, "{\"transactionCode\": \"%s\", \"branchId\": 1, \"grandTotal\": %d}".formatted(code, i));
    }

    private void publishJob(RabbitClient rabbit, int i) {
        rabbit.publish(settings.get("mstore.emails.queue"), ("{\"jobId\": \"JOB-KILL-%s-%d\", \"type\": \"transaction_receipt\", "
                + "\"to\": \"job-%d-%s@example.com\", \"transactionId\": %d}").formatted(run, i, i, run, i), 1);
    }

    /** Status number n of every device: battery falls as n grows, lastSeen rises. */
    private void publishStatuses(MqttTestClient devices, int n) {
        for (int device = 0; device < DEVICES; device++) {
            devices.publish("devices/" + deviceId(device) + "/status",
                    "{\"deviceId\": \"%s\", \"online\": true, \"batteryLevel\": %d, \"lastSeen\": %d}"
                            .formatted(deviceId(device), battery(n), 1_764_320_000L + n));
        }
    }

    private void awaitEveryDeviceAt(Jedis redis, int status) {
        for (int device = 0; device < DEVICES; device++) {
            String key = "mstore:device:" + deviceId(device);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(redis.hget(key, "batteryLevel")).as(key).isEqualTo(String.valueOf(battery(status))));
        }
    }

    private String deviceId(int device) {
        return "POS-KILL-" + run + "-" + device;
    }

    private static int battery(int n) {
        return 90 - n;
    }

    private static Map<String, Long> mailsPerRecipient(GreenMailSmtp smtp) {
        return Arrays.stream(smtp.mailbox().getReceivedMessages())
                .map(HubKilledTest::recipient)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static String recipient(MimeMessage mail) {
        try {
            return mail.getAllRecipients()[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}

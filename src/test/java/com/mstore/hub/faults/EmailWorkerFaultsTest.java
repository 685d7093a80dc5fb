package com.mstore.hub.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.Ports;
import com.mstore.hub.local.RabbitMqServer;
import com.mstore.hub.testing.HubProcess;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/**
 * Flow 3 when a worker dies holding a job, and when RabbitMQ stops taking messages: once per job
 * still holds, and acknowledgements still get through.
 */
class EmailWorkerFaultsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> brokers = TestBrokers.hubSettings();
    private final String queue = brokers.get("mstore.emails.queue");
    private final String deadLetterQueue = brokers.get("mstore.emails.dlq");

    /**
     * A worker killed (SIGKILL) after claiming a job and before it could send it (its SMTP server went
     * down): the job returns to the queue, the next hub's worker waits for the dead worker's claim to
     * run out, and then mails it, once.
     */
    @Test
    void aJobWhoseWorkerWasKilledAfterClaimingItIsMailedOnceAfterTheClaimRunsOut() throws Exception {
        int smtpPort = Ports.free();
        Map<String, String> settings = settings(brokers);
        settings.put("mstore.smtp.port", String.valueOf(smtpPort));
        settings.put("mstore.emails.claim-ttl-seconds", "8");
        settings.put("mstore.instance-id", "claims-" + run);
        settings.put("mstore.http.auth-required", "false");
        String jobId = "claimed-" + run;
        String key = "mstore:idem:emails:" + jobId;
        try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"));
             Jedis redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")))) {
            GreenMailSmtp before = GreenMailSmtp.start(smtpPort);
            Process worker = HubProcess.startHubApplication(settings, Map.of(), Files.createTempFile("hub-claims-", ".log"));
            long claimRunsOut;
            try {
                // SMTP goes away: the worker claims the job and keeps failing to send it
                before.close();
                rabbit.publish(queue, job(jobId, "claimed@example.com"), 1);
                await("the job claimed").atMost(PATIENCE).until(() -> String.valueOf(redis.get(key)).startsWith("claim "));
                claimRunsOut = System.currentTimeMillis() + redis.pttl(key);
            } finally {
                worker.destroyForcibly();
            }
            assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
            await("the job back on the queue").atMost(PATIENCE).until(() -> rabbit.ready(queue) == 1);

            try (GreenMailSmtp smtp = GreenMailSmtp.start(smtpPort);
                 RunningHub next = RunningHub.startWith(settings)) {
                long untilShortlyBefore = claimRunsOut - System.currentTimeMillis() - 1000;
                if (untilShortlyBefore > 0) {
                    await("no mail while the dead worker's claim lives").during(Duration.ofMillis(untilShortlyBefore))
                            .atMost(Duration.ofMillis(untilShortlyBefore + 5000))
                            .until(() -> smtp.mailbox().getReceivedMessages().length == 0);
                }
                await().atMost(PATIENCE).until(() -> smtp.mailbox().getReceivedMessages().length == 1 && rabbit.ready(queue) == 0);
                assertThat(redis.get(key)).isEqualTo("sent");
            }
        } finally {
            deleteQueues(settings.get("mstore.rabbitmq.addresses"));
        }
    }

    /**
     * RabbitMQ raises a memory alarm, which blocks every connection that publishes. The workers'
     * connection only consumes and acknowledges (the hub publishes on a connection of its own), so
     * the jobs already queued are mailed and acknowledged during the alarm; after it, jobs flow again.
     */
    @Test
    void aRabbitMqMemoryAlarmDoesNotStopAcknowledgements() throws Exception {
        try (RabbitMqServer broker = RabbitMqServer.startOwn();
             RabbitClient rabbit = new RabbitClient(broker.uri())) {
            Map<String, String> base = new HashMap<>(brokers);
            base.put("mstore.rabbitmq.addresses", broker.uri());
            Map<String, String> settings = settings(base);
            int smtpPort = Ports.free();
            settings.put("mstore.smtp.port", String.valueOf(smtpPort));
            GreenMailSmtp smtp = GreenMailSmtp.start(smtpPort);
            try (RunningHub hub = RunningHub.startWith(settings)) {
                // the hub publishes (a dead letter): a connection it published on is blocked in an alarm
                rabbit.publish(queue, "not json", 1);
                await().atMost(PATIENCE).until(() -> rabbit.ready(deadLetterQueue) == 1);
                smtp.close();
                for (int i = 0; i < 20; i++) {
                    rabbit.publish(queue, job("alarm-" + i + "-" + run, "alarm" + i + "@example.com"), 1);
                }
                await().atMost(PATIENCE).until(() -> hub.redeliveries() > 0);
                broker.rabbitmqctl("set_vm_memory_high_watermark", "0.0000001");
                smtp = GreenMailSmtp.start(smtpPort);
                GreenMailSmtp during = smtp;
                await("the queued jobs mailed during the alarm").atMost(PATIENCE)
                        .until(() -> during.mailbox().getReceivedMessages().length == 20);
                broker.rabbitmqctl("set_vm_memory_high_watermark", "0.4");
                for (int i = 20; i < 25; i++) {
                    rabbit.publish(queue, job("alarm-" + i + "-" + run, "alarm" + i + "@example.com"), 1);
                }
                GreenMailSmtp after = smtp;
                await("jobs flowing again").atMost(PATIENCE).until(() -> after.mailbox().getReceivedMessages().length == 25);
            }
            // had an acknowledgement not reached RabbitMQ, its job would be back on the queue now
            assertThat(rabbit.ready(queue)).isZero();
            Map<String, Long> mails = Arrays.stream(smtp.mailbox().getReceivedMessages()).map(EmailWorkerFaultsTest::to)
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            smtp.close();
            assertThat(mails).hasSize(25).allSatisfy((to, count) -> assertThat(count).as(to).isEqualTo(1));
        }
    }

    private Map<String, String> settings(Map<String, String> brokers) {
        Map<String, String> settings = new HashMap<>(brokers);
        settings.put("mstore.redelivery.initial-delay-ms", "200");
        return settings;
    }

    private void deleteQueues(String uri) {
        try (RabbitClient rabbit = new RabbitClient(uri)) {
            rabbit.deleteQueue(queue);
            rabbit.deleteQueue(deadLetterQueue);
        }
    }

    private static String job(String jobId, String to) {
        return "{\"jobId\": \"%s\", \"type\": \"transaction_receipt\", \"transactionId\": 1, \"to\": \"%s\"}".formatted(jobId, to);
    }

    private static String to(MimeMessage mail) {
        try {
            return mail.getAllRecipients()[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}

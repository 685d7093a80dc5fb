package com.mstore.hub.emails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.CountingProxy;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

/**
 * Flow 3 against an SMTP server that takes its time to accept a mail (it scans or relays it before
 * it answers the end of the data): it has the mail long before the hub hears so. Each job is still
 * mailed once.
 */
class SlowSmtpServerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private final String queue = settings.get("mstore.emails.queue");
    private final String deadLetterQueue = settings.get("mstore.emails.dlq");

    /**
     * The server answers each mail 3 s after it has it: longer than every other reply may take
     * (1 s here) and than a job's claim lives (2 s here). Each job is enqueued twice, and with one job
     * per worker, the copy waits on the claim of the worker sending the first. The hub must neither
     * send a mail again because its reply was slow, nor let the claim of a worker still sending run
     * out.
     */
    @Test
    void aServerSlowerThanTheReplyTimeoutAndTheClaimGetsEachJobOnce() throws Exception {
        int smtpPort = Ports.free();
        settings.put("mstore.smtp.connection-timeout-ms", "1000");
        settings.put("mstore.emails.claim-ttl-seconds", "2");
        settings.put("mstore.emails.prefetch", "1");
        settings.put("mstore.redelivery.initial-delay-ms", "200");
        List<String> recipients = IntStream.range(0, 3).mapToObj(i -> "slow" + i + "-" + run + "@example.com").toList();
        try (GreenMailSmtp smtp = GreenMailSmtp.start(smtpPort);
             CountingProxy slowServer = new CountingProxy(smtpPort);
             RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
            settings.put("mstore.smtp.port", String.valueOf(slowServer.port()));
            slowServer.delayFinalReplies(Duration.ofSeconds(3));
            try (RunningHub hub = RunningHub.startWith(settings)) {
                for (String to : recipients) {
                    String job = """
                            {"jobId": "job-%s", "type": "transaction_receipt", "transactionId": 42, "to": "%s", "priority": 1}"""
                            .formatted(to, to);
                    rabbit.publish(queue, job, 1);
                    rabbit.publish(queue, job, 1);
                }
                // a copy the hub would mail again reaches the server before its job is done
                await().atMost(PATIENCE).until(() -> hub.completed("email-jobs") == 2L * recipients.size());
                assertThat(rabbit.ready(queue)).isZero();
                assertThat(rabbit.ready(deadLetterQueue)).isZero();
            }
            Map<String, Long> mails = Arrays.stream(smtp.mailbox().getReceivedMessages())
                    .map(SlowSmtpServerTest::recipient)
                    .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertThat(mails).containsOnlyKeys(recipients).allSatisfy((to, count) -> assertThat(count).as(to).isEqualTo(1));
            for (MimeMessage mail : smtp.mailbox().getReceivedMessages()) {
                assertThat(mail.getMessageID()).isEqualTo(MailRenderer.messageId("job-" + recipient(mail)));
            }
        } finally {
            try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
                rabbit.deleteQueue(queue);
                rabbit.deleteQueue(deadLetterQueue);
            }
        }
    }

    /** Every send of a job carries the same Message-ID, so a mail sent twice can be told by its receivers. */
    @Test
    void eachJobsMailCarriesAMessageIdOfItsJob() {
        assertThat(MailRenderer.messageId("5f0c9a52-1")).isEqualTo("<job.5f0c9a52-1@mstore-hub>");
        // anything a msg-id may not hold is hashed, the same way each time
        assertThat(MailRenderer.messageId("a b@c>")).matches("<job\\.sha256\\.[0-9a-f]{64}@mstore-hub>")
                .isEqualTo(MailRenderer.messageId("a b@c>"));
    }

    private static String recipient(MimeMessage mail) {
        try {
            return mail.getAllRecipients()[0].toString();
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}

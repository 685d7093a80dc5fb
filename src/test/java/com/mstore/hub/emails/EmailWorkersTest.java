package com.mstore.hub.emails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.Ports;
import com.mstore.hub.rabbitmq.UnroutableMessageException;
import com.mstore.hub.testing.CountingProxy;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Flow 3 with several workers on several hub instances, real RabbitMQ, Redis and SMTP: each job id
 * mailed once however the copies race, SMTP sessions kept open (and replaced when the server drops
 * them), and nothing RabbitMQ could not route reported as sent.
 */
class EmailWorkersTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private final String queue = settings.get("mstore.emails.queue");
    private final String deadLetterQueue = settings.get("mstore.emails.dlq");
    private final int smtpPort = Ports.free();

    private RabbitClient rabbit;
    private GreenMailSmtp smtp;

    @BeforeEach
    void setUp() {
        settings.put("mstore.smtp.port", String.valueOf(smtpPort));
        settings.put("mstore.redelivery.initial-delay-ms", "100");
        rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"));
        smtp = GreenMailSmtp.start(smtpPort);
    }

    @AfterEach
    void tearDown() {
        smtp.close();
        rabbit.deleteQueue(queue);
        rabbit.deleteQueue(deadLetterQueue);
        rabbit.close();
    }

    /** Two instances of four workers each, every job enqueued twice at once: each job mailed once. */
    @Test
    void twoCopiesOfEachJobRacingOnTwoHubsAreMailedOncePerJob() {
        int jobs = 200;
        try (RunningHub one = RunningHub.startWith(settings); RunningHub two = RunningHub.startWith(settings)) {
            for (int i = 0; i < jobs; i++) {
                String job = job("pair-" + i + "-" + run, "pair" + i + "@example.com");
                rabbit.publish(queue, job, 1);
                rabbit.publish(queue, job, 1);
            }
            await().atMost(PATIENCE).until(() -> duplicates(one) + duplicates(two) == jobs && rabbit.ready(queue) == 0);
        }
        assertThat(mailsPerRecipient()).hasSize(jobs).allSatisfy((to, mails) -> assertThat(mails).as(to).isEqualTo(1));
    }

    /**
     * Fifty mails through four workers open at most four SMTP sessions; when the server drops them
     * all between two mails, the next mail goes on a new session without a redelivery.
     */
    @Test
    void smtpSessionsAreKeptOpenAndADroppedOneIsReplaced() throws Exception {
        try (CountingProxy proxy = new CountingProxy(smtpPort)) {
            settings.put("mstore.smtp.port", String.valueOf(proxy.port()));
            try (RunningHub hub = RunningHub.startWith(settings)) {
                for (int i = 0; i < 50; i++) {
                    rabbit.publish(queue, job("kept-" + i + "-" + run, "kept" + i + "@example.com"), 1);
                }
                await().atMost(PATIENCE).until(() -> mails().size() == 50);
                assertThat(proxy.connections()).as("SMTP sessions opened for 50 mails").isBetween(1, 4);

                proxy.dropAll();
                rabbit.publish(queue, job("after-drop-" + run, "after-drop@example.com"), 1);
                await().atMost(PATIENCE).until(() -> mails().size() == 51);
                assertThat(hub.redeliveries()).as("the dropped session was replaced, not retried later").isZero();
            }
        }
        assertThat(mailsPerRecipient()).hasSize(51).allSatisfy((to, mails) -> assertThat(mails).as(to).isEqualTo(1));
    }

    /** A job enqueued while its queue is gone is an error for the flow that enqueued it, not a silent loss. */
    @Test
    void anEnqueueNoQueueTakesIsReportedNotConfirmed() {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            rabbit.deleteQueue(queue);
            EmailJob job = EmailJob.orderConfirmation("ORD-LOST-" + run, "lost@example.com");
            assertThatThrownBy(() -> hub.context().createProducerTemplate().sendBody("direct:enqueue-email-job", job))
                    .isInstanceOf(CamelExecutionException.class)
                    .hasRootCauseInstanceOf(UnroutableMessageException.class)
                    .rootCause().hasMessageContaining(queue);
        }
    }

    /**
     * The dead-letter queue is gone: a bad job cannot be dead-lettered, goes round at the tail of
     * the queue (not its head, where it would hold up the good jobs behind it), and lands in the
     * dead-letter queue once that is back.
     */
    @Test
    void aJobThatCannotBeDeadLetteredGoesRoundAtTheTailAndTheGoodJobsBehindItFlow() {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            rabbit.deleteQueue(deadLetterQueue);
            rabbit.publish(queue, "{\"jobId\": \"bad-" + run + "\", \"type\": \"birthday_card\", \"to\": \"a@example.com\"}", 1);
            for (int i = 0; i < 5; i++) {
                rabbit.publish(queue, job("behind-" + i + "-" + run, "behind" + i + "@example.com"), 1);
            }
            await().atMost(PATIENCE).until(() -> mails().size() == 5
                    && hub.metric("mstore_dead_letter_failures_total", "flow=\"emails\"") >= 2);
            rabbit.channel().queueDeclare(deadLetterQueue, true, false, false, null);
            await().atMost(PATIENCE).until(() -> rabbit.ready(deadLetterQueue) == 1);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        RabbitClient.Delivery dead = rabbit.drain(deadLetterQueue).get(0);
        assertThat(dead.header("mstore-error-reason")).isEqualTo("invalid-payload");
        assertThat(Integer.parseInt(dead.header(com.mstore.hub.rabbitmq.RabbitDeadLetters.ATTEMPTS))).isGreaterThanOrEqualTo(2);
    }

    private static double duplicates(RunningHub hub) {
        return hub.metric("mstore_duplicates_total", "flow=\"emails\"");
    }

    private static String job(String jobId, String to) {
        return "{\"jobId\": \"%s\", \"type\": \"transaction_receipt\", \"transactionId\": 42, \"to\": \"%s\"}".formatted(jobId, to);
    }

    private List<MimeMessage> mails() {
        return List.of(smtp.mailbox().getReceivedMessages());
    }

    private Map<String, Long> mailsPerRecipient() {
        return Arrays.stream(smtp.mailbox().getReceivedMessages()).map(EmailWorkersTest::to)
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private static String to(MimeMessage mail) {
        try {
            return mail.getAllRecipients()[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}

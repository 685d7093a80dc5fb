package com.mstore.hub.emails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flow 3 against a real RabbitMQ, Redis and SMTP server: CONTRACTS.md section 3. */
class EmailJobsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);

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
        settings.put("mstore.redelivery.initial-delay-ms", "200");
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

    @Test
    void aJobBecomesExactlyOneMailWithTheRightRecipientSubjectAndBody() throws Exception {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            rabbit.publish(queue, job("job-" + run, "transaction_receipt", "a@example.com", 1)
                    .replace("\"transactionId\": 42", "\"transactionId\": 42, \"transactionCode\": \"TRX-0001\""), 1);
            await().atMost(PATIENCE).until(() -> mails().size() == 1);
            MimeMessage mail = mails().get(0);
            assertThat(Arrays.stream(mail.getAllRecipients()).map(Object::toString)).containsExactly("a@example.com");
            assertThat(mail.getSubject()).isEqualTo("Your MStore receipt TRX-0001");
            String raw = GreenMailUtil.getWholeMessage(mail);
            assertThat(raw).contains("text/plain").contains("text/html");
            assertThat(raw).contains("This is the receipt for your purchase TRX-0001.");
            assertThat(raw).contains("<strong>TRX-0001</strong>");
            await().atMost(PATIENCE).until(() -> rabbit.ready(queue) == 0);
        }
        assertThat(mails()).hasSize(1);
    }

    @Test
    void anOrderConfirmationNamesTheOrder() throws Exception {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            rabbit.publish(queue, """
                    {"JobID": "job-%s", "Type": "order_confirmation", "OrderID": "ORD-1", "To": "b@example.com"}
                    """.formatted(run), 1);
            await().atMost(PATIENCE).until(() -> mails().size() == 1);
            assertThat(mails().get(0).getSubject()).isEqualTo("Your MStore order ORD-1 is confirmed");
        }
    }

    @Test
    void theSameJobDeliveredTwiceGivesOneMail() {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            String job = job("job-" + run, "transaction_receipt", "a@example.com", 1);
            rabbit.publish(queue, job, 1);
            rabbit.publish(queue, job, 1);
            rabbit.publish(queue, job("marker-" + run, "transaction_receipt", "marker@example.com", 1), 1);
            await().atMost(PATIENCE).until(() -> mails().stream().anyMatch(m -> to(m).equals("marker@example.com")));
            await().atMost(PATIENCE).until(() -> rabbit.ready(queue) == 0);
        }
        assertThat(mails().stream().filter(m -> to(m).equals("a@example.com"))).hasSize(1);
    }

    @Test
    void priorityNineOvertakesPriorityOneInABacklog() {
        try (RunningHub declaresTheQueue = RunningHub.startWith(settings)) {
            assertThat(rabbit.ready(queue)).isZero();
        }
        for (int i = 0; i < 5; i++) {
            rabbit.publish(queue, job("low-" + i + "-" + run, "transaction_receipt", "low" + i + "@example.com", 1), 1);
        }
        rabbit.publish(queue, job("high-" + run, "transaction_receipt", "high@example.com", 9), 9);
        try (RunningHub hub = RunningHub.startWith(settings)) {
            await().atMost(PATIENCE).until(() -> mails().size() == 6);
        }
        assertThat(to(mails().get(0))).isEqualTo("high@example.com");
    }

    @Test
    void smtpDownForAWhileThenBackEveryMailIsSentOnceNoneLost() {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            smtp.close();
            for (int i = 0; i < 5; i++) {
                rabbit.publish(queue, job("down-" + i + "-" + run, "transaction_receipt", "down" + i + "@example.com", 1), 1);
            }
            await().atMost(PATIENCE).until(() -> hub.redeliveries() > 0);
            smtp = GreenMailSmtp.start(smtpPort);
            await().atMost(PATIENCE).until(() -> mails().size() == 5);
            await().atMost(PATIENCE).until(() -> rabbit.ready(queue) == 0);
        }
        assertThat(mailsPerRecipient()).hasSize(5).allSatisfy((to, mails) -> assertThat(mails).as(to).isEqualTo(1));
        assertThat(rabbit.drain(deadLetterQueue)).isEmpty();
    }

    @Test
    void eachKindOfBadJobEndsInTheDeadLetterQueueWithItsReasonWhileGoodJobsKeepFlowing() throws Exception {
        Map<String, String> badJobs = new java.util.LinkedHashMap<>();
        badJobs.put("bad-json", "{\"jobId\": \"x\", ");
        badJobs.put("unknown-type", job("unknown-" + run, "birthday_card", "a@example.com", 1));
        badJobs.put("missing-to", "{\"jobId\": \"noto-%s\", \"type\": \"transaction_receipt\", \"transactionId\": 1}".formatted(run));
        badJobs.put("invalid-address", job("invalid-" + run, "transaction_receipt", "not an address", 1));
        try (RunningHub hub = RunningHub.startWith(settings)) {
            int good = 0;
            for (String bad : badJobs.values()) {
                rabbit.publish(queue, bad, 1);
                rabbit.publish(queue, job("good-" + good + "-" + run, "transaction_receipt", "good" + good + "@example.com", 1), 1);
                good++;
            }
            await().atMost(PATIENCE).until(() -> mails().size() == badJobs.size());
            await().atMost(PATIENCE).until(() -> rabbit.ready(deadLetterQueue) == badJobs.size());
        }
        List<RabbitClient.Delivery> dead = rabbit.drain(deadLetterQueue);
        assertThat(dead).extracting(RabbitClient.Delivery::body).containsExactlyInAnyOrderElementsOf(badJobs.values());
        Map<String, RabbitClient.Delivery> byBody = new HashMap<>();
        dead.forEach(d -> byBody.put(d.body(), d));
        assertThat(byBody.get(badJobs.get("bad-json")).header("mstore-error-reason")).isEqualTo("not-json");
        assertThat(byBody.get(badJobs.get("unknown-type")).header("mstore-error-reason")).isEqualTo("invalid-payload");
        assertThat(byBody.get(badJobs.get("unknown-type")).header("mstore-error-message")).contains("field type:");
        assertThat(byBody.get(badJobs.get("missing-to")).header("mstore-error-message")).contains("to");
        assertThat(byBody.get(badJobs.get("invalid-address")).header("mstore-error-message")).contains("field to:");
        dead.forEach(d -> {
            assertThat(d.header("mstore-failed-at")).isNotBlank();
            assertThat(d.header("mstore-source-queue")).isEqualTo(queue);
        });
        assertThat(mails().stream().map(EmailJobsTest::to)).allMatch(to -> to.startsWith("good"));
    }

    @Test
    void aHubStoppedWithJobsInFlightLeavesThemQueuedAndTheyAreMailedOnceAfterRestart() {
        // the killed hub's claim on the job it was sending has to run out before the next hub mails it
        settings.put("mstore.emails.claim-ttl-seconds", "8");
        RunningHub first = RunningHub.startWith(settings);
        smtp.close();
        for (int i = 0; i < 3; i++) {
            rabbit.publish(queue, job("inflight-" + i + "-" + run, "transaction_receipt", "inflight" + i + "@example.com", 1), 1);
        }
        await().atMost(PATIENCE).until(() -> first.redeliveries() > 0);
        first.kill();
        // the job in flight returns to the queue once the broker sees the consumer's channel close
        await().atMost(PATIENCE).until(() -> rabbit.ready(queue) == 3);
        assertThat(rabbit.ready(deadLetterQueue)).isZero();

        smtp = GreenMailSmtp.start(smtpPort);
        try (RunningHub restarted = RunningHub.startWith(settings)) {
            await().atMost(PATIENCE).until(() -> mails().size() == 3);
            await().atMost(PATIENCE).until(() -> rabbit.ready(queue) == 0);
        }
        assertThat(mailsPerRecipient()).hasSize(3).allSatisfy((to, mails) -> assertThat(mails).as(to).isEqualTo(1));
    }

    @Test
    void theHubStartsAgainstAnEmailsQueueTheBackendDeclaredPlain() throws Exception {
        rabbit.channel().queueDeclare(queue, true, false, false, null);
        try (RunningHub hub = RunningHub.startWith(settings)) {
            rabbit.publish(queue, job("plain-" + run, "transaction_receipt", "plain@example.com", 1), 1);
            await().atMost(PATIENCE).until(() -> mails().size() == 1);
        }
        assertThat(rabbit.channel().queueDeclarePassive(queue)).isNotNull();
    }

    private static String job(String jobId, String type, String to, int priority) {
        return """
                {"jobId": "%s", "type": "%s", "transactionId": 42, "to": "%s", "priority": %d}"""
                .formatted(jobId, type, to, priority);
    }

    /**
     * The text part is plain text, the HTML part HTML: a transaction code with an ampersand shows as
     * it is in the one and escaped in the other.
     */
    @Test
    void theTextPartIsNotHtmlEscapedAndTheHtmlPartIs() throws Exception {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            rabbit.publish(queue, job("amp-" + run, "transaction_receipt", "amp@example.com", 1)
                    .replace("\"transactionId\": 42", "\"transactionCode\": \"TRX-A&B<1>\""), 1);
            await().atMost(PATIENCE).until(() -> mails().size() == 1);
        }
        MimeMessage mail = mails().get(0);
        assertThat(mail.getSubject()).isEqualTo("Your MStore receipt TRX-A&B<1>");
        jakarta.mail.internet.MimeMultipart parts = (jakarta.mail.internet.MimeMultipart) mail.getContent();
        String text = null;
        String html = null;
        for (int i = 0; i < parts.getCount(); i++) {
            jakarta.mail.BodyPart part = parts.getBodyPart(i);
            if (part.isMimeType("text/plain")) {
                text = (String) part.getContent();
            } else if (part.isMimeType("text/html")) {
                html = (String) part.getContent();
            }
        }
        assertThat(text).contains("your purchase TRX-A&B<1>.").doesNotContain("&amp;");
        assertThat(html).contains("<strong>TRX-A&amp;B&lt;1&gt;</strong>");
    }

    private Map<String, Long> mailsPerRecipient() {
        return mails().stream().collect(java.util.stream.Collectors.groupingBy(EmailJobsTest::to, java.util.stream.Collectors.counting()));
    }

    private List<MimeMessage> mails() {
        return List.of(smtp.mailbox().getReceivedMessages());
    }

    private static String to(MimeMessage mail) {
        try {
            return mail.getAllRecipients()[0].toString();
        } catch (jakarta.mail.MessagingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package com.mstore.hub.bench;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/**
 * Flow 3: email jobs consumed from RabbitMQ and mailed over SMTP, against the flow's physical limit:
 * a plain amqp-client consumer that renders the same mail from the same templates, sends it over
 * one SMTP connection kept open, and then acknowledges the job.
 */
final class EmailJobsFlow implements Flow {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Jobs the baseline's consumer holds at once (the hub's default prefetch). */
    private static final int PREFETCH = 10;

    private final String run;
    private final String smtpHost;
    private final int smtpPort;
    private final Connection connection;
    private final Channel publisher;
    private final Map<String, Mustache> templates;

    EmailJobsFlow(Map<String, String> settings, String run) throws Exception {
        this.run = run;
        this.smtpHost = settings.get("mstore.smtp.host");
        this.smtpPort = Integer.parseInt(settings.get("mstore.smtp.port"));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(settings.get("mstore.rabbitmq.addresses"));
        factory.setVirtualHost("/");
        connection = factory.newConnection("bench");
        publisher = connection.createChannel();
        publisher.confirmSelect();
        // the baseline's queue as the hub declares its own: durable, with priorities
        publisher.queueDeclare(queue(false), true, false, false, Map.of("x-max-priority", 9));
        DefaultMustacheFactory mustache = new DefaultMustacheFactory(new java.io.File("templates"));
        templates = Map.of("subject", mustache.compile("transaction_receipt.subject.mustache"),
                "txt", mustache.compile("transaction_receipt.txt.mustache"),
                "html", mustache.compile("transaction_receipt.html.mustache"));
    }

    private String queue(boolean hub) {
        return "bench-emails-" + (hub ? "hub-" : "raw-") + run;
    }

    @Override
    public String name() {
        return "email jobs (RabbitMQ, SMTP)";
    }

    @Override
    public Map<String, String> baselines() {
        return Map.of(RAW, "amqp-client consumer (prefetch " + PREFETCH + ") rendering the same mail from the same "
                + "templates and sending it over one SMTP connection kept open, then acknowledging the job; "
                + "leaves out JSON validation and the Redis claim of each job id");
    }

    @Override
    public Map<String, String> hubSettings() {
        return Map.of("mstore.emails.queue", queue(true), "mstore.emails.dlq", queue(true) + ".dlq");
    }

    @Override
    public String hubRoute() {
        return "email-jobs";
    }

    /** The receipt jobs flow 1's passes enqueued on this queue are not part of this benchmark. */
    @Override
    public void beforeHubPasses(org.apache.camel.CamelContext hub) throws Exception {
        publisher.queuePurge(queue(true));
        hub.getRouteController().startRoute("email-jobs");
    }

    @Override
    public AutoCloseable startBaseline(String baseline, Recorder recorder) throws Exception {
        Session session = Session.getInstance(new Properties());
        Transport smtp = session.getTransport("smtp");
        smtp.connect(smtpHost, smtpPort, null, null);
        Channel consumer = connection.createChannel();
        consumer.basicQos(PREFETCH);
        DeliverCallback onJob = (tag, delivery) -> {
            try {
                JsonNode job = JSON.readTree(delivery.getBody());
                Map<String, Object> scope = Map.of("body", Map.of("reference", "#" + job.path("transactionId").asText()));
                MimeMessage mail = new MimeMessage(session);
                mail.setFrom(new InternetAddress("no-reply@mstore.local"));
                mail.setRecipients(Message.RecipientType.TO, job.path("to").asText());
                mail.setSubject(render("subject", scope).trim(), "UTF-8");
                MimeBodyPart text = new MimeBodyPart();
                text.setText(render("txt", scope), "UTF-8");
                MimeBodyPart html = new MimeBodyPart();
                html.setContent(render("html", scope), "text/html; charset=UTF-8");
                MimeMultipart alternative = new MimeMultipart("alternative");
                alternative.addBodyPart(text);
                alternative.addBodyPart(html);
                mail.setContent(alternative);
                mail.saveChanges();
                smtp.sendMessage(mail, mail.getAllRecipients());
            } catch (Exception e) {
                throw new IllegalStateException("the baseline could not mail a job", e);
            }
            consumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
            recorder.done(recorder.marker().find(new String(delivery.getBody(), StandardCharsets.UTF_8)));
        };
        String tag = consumer.basicConsume(queue(false), false, onJob, cancelled -> { });
        return () -> {
            consumer.basicCancel(tag);
            consumer.close();
            smtp.close();
        };
    }

    private String render(String part, Map<String, Object> scope) {
        StringWriter out = new StringWriter();
        templates.get(part).execute(out, scope);
        return out.toString();
    }

    @Override
    public void send(Recorder recorder, String side, int perSecond) throws Exception {
        boolean toHub = HUB.equals(side);
        Pace pace = new Pace(perSecond);
        AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder()
                .contentType("application/json").deliveryMode(2).priority(1).build();
        for (int i = 0; i < recorder.messages(); i++) {
            pace.before(i);
            String jobId = "JOB-" + recorder.marker().of(i);
            recorder.sent(i);
            publisher.basicPublish("", queue(toHub), persistent,
                    "{\"jobId\": \"%s\", \"type\": \"transaction_receipt\", \"to\": \"%s@example.com\", \"transactionId\": %d}"
                            .formatted(jobId, jobId.toLowerCase(), i).getBytes(StandardCharsets.UTF_8));
            if (i % 100 == 99) {
                publisher.waitForConfirmsOrDie(10_000);
            }
        }
        publisher.waitForConfirmsOrDie(10_000);
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}

package com.mstore.hub.bench;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;

/** Flow 3: email jobs consumed from RabbitMQ and mailed over SMTP. */
final class EmailJobsFlow implements Flow {

    private final String run;
    private final int prefetch;
    private final Connection connection;
    private final Channel publisher;

    EmailJobsFlow(Map<String, String> settings, String run, int prefetch) throws Exception {
        this.run = run;
        this.prefetch = prefetch;
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(settings.get("mstore.rabbitmq.addresses"));
        factory.setVirtualHost("/");
        connection = factory.newConnection("bench");
        publisher = connection.createChannel();
        publisher.confirmSelect();
        // the baseline's queue as the hub declares its own: durable, with priorities
        publisher.queueDeclare(queue(false), true, false, false, Map.of("x-max-priority", 9));
    }

    private String queue(boolean hub) {
        return "bench-emails-" + (hub ? "hub-" : "raw-") + run;
    }

    @Override
    public String name() {
        return "email jobs (RabbitMQ)";
    }

    @Override
    public Map<String, String> baselines() {
        return Map.of(RAW, "amqp-client consumer with the hub's prefetch (" + prefetch + "), acknowledging each job; "
                + "leaves out JSON validation, Redis dedupe, rendering the mail and sending it over SMTP");
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
        Channel consumer = connection.createChannel();
        consumer.basicQos(prefetch);
        DeliverCallback onJob = (tag, delivery) -> {
            consumer.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
            recorder.done(recorder.marker().find(new String(delivery.getBody(), StandardCharsets.UTF_8)));
        };
        String tag = consumer.basicConsume(queue(false), false, onJob, cancelled -> { });
        return () -> {
            consumer.basicCancel(tag);
            consumer.close();
        };
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

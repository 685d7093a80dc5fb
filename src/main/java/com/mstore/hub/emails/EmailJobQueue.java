package com.mstore.hub.emails;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.rabbitmq.RabbitPublisher;
import com.mstore.hub.tracing.MessageSpans;
import com.mstore.hub.tracing.TraceContext;
import org.apache.camel.Exchange;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;

/**
 * Enqueues email jobs (CONTRACTS.md section 3) for the flows that cause mails: persistent JSON with
 * its priority and its job id as message id, through the default exchange to queue {@code emails},
 * each carrying the trace context of what caused it. A job counts as enqueued once RabbitMQ has
 * confirmed it into the queue ({@link RabbitPublisher}).
 */
public class EmailJobQueue {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EmailJobQueue.class);

    /** A job with the trace context (W3C headers) it should carry. */
    public record Queued(EmailJob job, Map<String, String> traceHeaders) {
    }

    private final RabbitPublisher publisher;
    private final String queue;

    public EmailJobQueue(RabbitPublisher publisher, String queue) {
        this.publisher = publisher;
        this.queue = queue;
    }

    /**
     * Enqueues the body: one {@link EmailJob} (it carries the exchange's trace context), or a list of
     * {@link Queued} jobs, published together.
     */
    public void enqueue(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        List<Queued> jobs = new ArrayList<>();
        if (body instanceof EmailJob job) {
            Map<String, String> trace = new java.util.HashMap<>();
            TraceContext.inject(exchange, trace::put);
            jobs.add(new Queued(job, trace));
        } else if (body instanceof List<?> list) {
            list.forEach(item -> jobs.add((Queued) item));
        } else {
            throw new IllegalArgumentException("not an email job: " + (body == null ? "null" : body.getClass().getName()));
        }
        if (jobs.isEmpty()) {
            return;
        }
        MessageSpans spans = MessageSpans.of(exchange.getContext());
        List<RabbitPublisher.Outgoing> messages = new ArrayList<>(jobs.size());
        List<MessageSpans.MessageSpan> published = new ArrayList<>(jobs.size());
        for (Queued queued : jobs) {
            MessageSpans.MessageSpan span = spans.publish(queued.traceHeaders(), "rabbitmq", queue);
            published.add(span);
            messages.add(new RabbitPublisher.Outgoing(queue, message(queued.job().complete(), span.headers())));
        }
        try {
            publisher.publish(messages);
        } catch (RuntimeException failed) {
            published.forEach(span -> span.failed(failed));
            throw failed;
        }
        published.forEach(MessageSpans.MessageSpan::succeeded);
        LOG.debug("Enqueued {} email jobs on {}", jobs.size(), queue);
    }

    private static Message message(EmailJob job, Map<String, String> traceHeaders) {
        MessageProperties properties = new MessageProperties();
        properties.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        properties.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        properties.setPriority(job.priority());
        properties.setMessageId(job.jobId());
        traceHeaders.forEach(properties::setHeader);
        try {
            return new Message(JSON.writeValueAsBytes(job), properties);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an email job could not be written as JSON", e);
        }
    }
}

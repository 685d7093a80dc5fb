package com.mstore.hub.brokers;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/** Publishes one message through a Camel endpoint and fails when the endpoint did (for the brokers whose component publishes). */
public final class Publishing {

    private final CamelContext context;
    private volatile ProducerTemplate producer;

    public Publishing(CamelContext context) {
        this.context = context;
    }

    public void send(String uri, byte[] body, Map<String, Object> headers) throws Exception {
        if (producer == null) {
            producer = context.createProducerTemplate();
        }
        Exchange sent = producer.send(uri, exchange -> {
            exchange.getMessage().setBody(body);
            exchange.getMessage().setHeaders(new HashMap<>(headers));
        });
        if (sent.getException() != null) {
            throw sent.getException();
        }
    }

    /** A header of a received message as text: Kafka's arrive as bytes. */
    public static String header(org.apache.camel.Message in, String name) {
        Object value = in.getHeader(name);
        if (value == null) {
            return null;
        }
        return value instanceof byte[] raw ? new String(raw, java.nio.charset.StandardCharsets.UTF_8) : value.toString();
    }

    /** A kept source's field as text, empty when missing. */
    public static java.util.Optional<String> text(Map<String, Object> source, String key) {
        Object value = source.get(key);
        return value == null || value.toString().isBlank() ? java.util.Optional.empty() : java.util.Optional.of(value.toString());
    }
}

package com.mstore.hub.kafka;

import com.mstore.hub.brokers.ReplayMarks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import com.mstore.hub.brokers.Broker;
import com.mstore.hub.brokers.BrokerProbe;
import com.mstore.hub.brokers.Publishing;
import com.mstore.hub.config.InvalidSettingException;
import com.mstore.hub.errors.FailureHeaders;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Kafka (mstore.kafka.*): a source is a record's topic, partition, offset and key; a replay is the record again, same key. */
public class KafkaBroker implements Broker {

    private static final Pattern HOST_PORT_LIST = Pattern.compile("[^\\s,:/]+:\\d{1,5}(,[^\\s,:/]+:\\d{1,5})*");
    private static final String BROKERS = "mstore.kafka.brokers";

    private final CamelContext context;
    private final Publishing publishing;
    private final long timeoutMs;
    private final BrokerProbe probe;

    public KafkaBroker(CamelContext context, String brokers, long replayTimeoutMs) {
        this.context = context;
        this.publishing = new Publishing(context);
        this.timeoutMs = replayTimeoutMs;
        this.probe = newProbe(brokers);
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public boolean owns(Endpoint endpoint) {
        return endpoint instanceof KafkaEndpoint;
    }

    @Override
    public String address(Endpoint endpoint) {
        return ((KafkaEndpoint) endpoint).getConfiguration().getTopic();
    }

    /** A record-at-a-time consumer's headers; a batch's records are stamped by whoever writes their dead letters. */
    @Override
    public Map<String, String> sourceHeaders(Exchange received) {
        Map<String, String> headers = new LinkedHashMap<>();
        Message in = received.getMessage();
        put(headers, FailureHeaders.SOURCE_TOPIC, in.getHeader(KafkaConstants.TOPIC));
        put(headers, FailureHeaders.SOURCE_PARTITION, in.getHeader(KafkaConstants.PARTITION));
        put(headers, FailureHeaders.SOURCE_OFFSET, in.getHeader(KafkaConstants.OFFSET));
        return headers;
    }

    @Override
    public Map<String, Object> source(Message deadLetter) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("topic", Publishing.header(deadLetter, FailureHeaders.SOURCE_TOPIC));
        source.put("partition", number(Publishing.header(deadLetter, FailureHeaders.SOURCE_PARTITION)));
        source.put("offset", number(Publishing.header(deadLetter, FailureHeaders.SOURCE_OFFSET)));
        source.put("key", Publishing.header(deadLetter, KafkaConstants.KEY));
        return source;
    }

    @Override
    public Optional<String> place(Map<String, Object> source) {
        return Publishing.text(source, "topic");
    }

    @Override
    public void publish(Map<String, Object> source, byte[] body, ReplayMarks marks) throws Exception {
        Map<String, Object> headers = new java.util.HashMap<>(marks.headers());
        headers.put(KafkaConstants.KEY, source.get("key") == null ? "" : source.get("key"));
        publishing.send("kafka:" + place(source).orElseThrow() + "?lazyStartProducer=true&maxBlockMs=" + timeoutMs
                        + "&requestTimeoutMs=" + timeoutMs + "&deliveryTimeoutMs=" + (2 * timeoutMs), body, headers);
    }

    @Override
    public BrokerProbe probe() {
        return probe;
    }

    private BrokerProbe newProbe(String brokers) {
        if (!HOST_PORT_LIST.matcher(brokers).matches()) {
            throw new InvalidSettingException(BROKERS, brokers, "is not a list of host:port");
        }
        return new BrokerProbe("Kafka", BROKERS, brokers, timeout -> {
            Properties config = new Properties();
            Map<String, Object> security = context.getComponent("kafka", KafkaComponent.class).getConfiguration().getAdditionalProperties();
            if (security != null) {
                config.putAll(security);
            }
            config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            config.put(AdminClientConfig.CLIENT_ID_CONFIG, "mstore-hub-probe");
            try (Admin admin = Admin.create(config)) {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                        .nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private static void put(Map<String, String> headers, String name, Object value) {
        if (value != null) {
            headers.put(name, value.toString());
        }
    }

    private static Long number(String text) {
        try {
            return text == null ? null : Long.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}

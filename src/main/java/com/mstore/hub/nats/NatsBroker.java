package com.mstore.hub.nats;

import com.mstore.hub.brokers.ReplayMarks;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.mstore.hub.brokers.Broker;
import com.mstore.hub.brokers.BrokerProbe;
import com.mstore.hub.brokers.Publishing;
import com.mstore.hub.config.Redaction;
import com.mstore.hub.config.Settings;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.nats.NatsConstants;
import org.apache.camel.component.nats.NatsEndpoint;

/** NATS core (mstore.nats.*): a source is the subject a message came on; a replay publishes there again. */
public class NatsBroker implements Broker {

    static final String SUBJECT = "mstore-source-subject";
    private static final String SERVERS = "mstore.nats.servers";

    private final Publishing publishing;
    private final BrokerProbe probe;

    public NatsBroker(CamelContext context, String servers) {
        this.publishing = new Publishing(context);
        this.probe = newProbe(servers);
    }

    @Override
    public String name() {
        return "nats";
    }

    @Override
    public boolean owns(Endpoint endpoint) {
        return endpoint instanceof NatsEndpoint;
    }

    @Override
    public String address(Endpoint endpoint) {
        return ((NatsEndpoint) endpoint).getConfiguration().getTopic();
    }

    @Override
    public Map<String, String> sourceHeaders(Exchange received) {
        String subject = received.getMessage().getHeader(NatsConstants.NATS_SUBJECT, String.class);
        return subject == null || subject.isEmpty() ? Map.of() : Map.of(SUBJECT, subject);
    }

    @Override
    public Map<String, Object> source(Message deadLetter) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("subject", Publishing.header(deadLetter, SUBJECT));
        return source;
    }

    @Override
    public Optional<String> place(Map<String, Object> source) {
        return Publishing.text(source, "subject");
    }

    @Override
    public void publish(Map<String, Object> source, byte[] body, ReplayMarks marks) throws Exception {
        publishing.send("nats:" + place(source).orElseThrow() + "?lazyStartProducer=true", body, Map.copyOf(marks.headers()));
    }

    @Override
    public BrokerProbe probe() {
        return probe;
    }

    private static BrokerProbe newProbe(String servers) {
        String[] urls = servers.split(",");
        for (String url : urls) {
            Settings.requireUri(SERVERS, servers, url, Set.of("nats", "tls", "ws", "wss"));
        }
        return new BrokerProbe("NATS", SERVERS, Redaction.uri(servers), timeout -> {
            Options options = new Options.Builder()
                    .servers(urls)
                    .connectionTimeout(timeout)
                    .noReconnect()
                    .connectionName("mstore-hub-probe")
                    .build();
            try (Connection connection = Nats.connect(options)) {
                connection.flush(timeout);
            }
        });
    }
}

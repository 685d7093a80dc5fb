package com.mstore.hub.kafka;

import com.mstore.hub.tls.BrokerTrust;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Ordered;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.kafka.KafkaComponent;

/**
 * Kafka's client settings for every Kafka client of the hub (mstore.kafka.*): the routes' consumers
 * and producers read them from the component, and so does the audit log's transactional producer.
 */
@Configuration
public class KafkaConnections implements CamelConfiguration, Ordered {

    /** Wired after the trust and before what uses the connections (a bean that closes them when the hub stops is not made lazily). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST + 1;
    }

    @PropertyInject("mstore.kafka.brokers")
    private String brokers;

    @PropertyInject("mstore.kafka.security-protocol")
    private String securityProtocol;

    @PropertyInject(value = "mstore.kafka.sasl-mechanism", defaultValue = "PLAIN")
    private String saslMechanism;

    @PropertyInject(value = "mstore.kafka.username", defaultValue = "")
    private String username;

    @PropertyInject(value = "mstore.kafka.password", defaultValue = "")
    private String password;

    @PropertyInject("mstore.dead-letters.replay-timeout-ms")
    private long replayTimeoutMs;

    @BindToRegistry("kafkaBroker")
    public KafkaBroker kafkaBroker(CamelContext context) {
        return new KafkaBroker(context, brokers.trim(), replayTimeoutMs);
    }

    @Override
    public void configure(CamelContext context) {
        BrokerTrust trust = context.getRegistry().lookupByNameAndType("brokerTrust", BrokerTrust.class);
        context.getComponent("kafka", KafkaComponent.class).getConfiguration().setAdditionalProperties(
                KafkaSecurity.clientProperties(new KafkaSecurity.Login(securityProtocol, saslMechanism, username, password), trust));
    }
}

package com.mstore.hub.config;

import java.time.Clock;

import com.mstore.hub.emails.MailFailures;
import com.mstore.hub.errors.FailureHeaders;
import com.mstore.hub.json.InboundJson;
import com.mstore.hub.transactions.AuditLog;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

/** The Java steps the route files call by name. */
@Configuration
public class FlowBeans implements CamelConfiguration {

    @PropertyInject("mstore.kafka.brokers")
    private String kafkaBrokers;

    @PropertyInject("mstore.transactions.audit-topic")
    private String auditTopic;

    @PropertyInject("mstore.transactions.dlq-topic")
    private String transactionsDeadLetterTopic;

    @PropertyInject("mstore.transactions.consumer-group")
    private String transactionsConsumerGroup;

    @PropertyInject("mstore.instance-id")
    private String instanceId;

    @BindToRegistry("inboundJson")
    public InboundJson inboundJson() {
        return new InboundJson();
    }

    @BindToRegistry("failureHeaders")
    public FailureHeaders failureHeaders() {
        return new FailureHeaders();
    }

    @BindToRegistry("mailFailures")
    public MailFailures mailFailures() {
        return new MailFailures();
    }

    @BindToRegistry(value = "auditLog", destroyMethod = "close")
    public AuditLog auditLog() {
        return new AuditLog(kafkaBrokers, auditTopic, transactionsDeadLetterTopic, transactionsConsumerGroup,
                "mstore-hub-audit-" + instanceId, Clock.systemUTC());
    }
}

package com.mstore.hub.config;

import java.util.Map;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * Declares the queues of CONTRACTS.md section 3 when they do not exist yet. A queue that exists is
 * left exactly as it is: the backend may have declared {@code emails} as a plain durable queue, and
 * redeclaring it with other arguments would be refused (PRECONDITION_FAILED) and close the channel.
 */
@Configuration
public class RabbitTopology implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RabbitTopology.class);
    /** Lets a new queue honour message priorities 0-9. */
    static final Map<String, Object> NEW_QUEUE_ARGUMENTS = Map.of("x-max-priority", 9);

    @Override
    public void configure(CamelContext context) {
        Settings settings = Settings.of(context);
        if (!settings.getBoolean("mstore.startup.require-brokers")) {
            return; // without RabbitMQ at start-up, the queues are declared by whoever starts first
        }
        ConnectionFactory factory = context.getRegistry().lookupByNameAndType("rabbitConnectionFactory", ConnectionFactory.class);
        RabbitTemplate rabbit = new RabbitTemplate(factory);
        declareIfAbsent(rabbit, settings.get("mstore.emails.queue"), NEW_QUEUE_ARGUMENTS);
        declareIfAbsent(rabbit, settings.get("mstore.emails.dlq"), Map.of());
    }

    static void declareIfAbsent(RabbitTemplate rabbit, String queue, Map<String, Object> arguments) {
        rabbit.execute(channel -> {
            try {
                channel.queueDeclarePassive(queue);
                LOG.info("RabbitMQ queue {} exists: used as declared", queue);
            } catch (java.io.IOException absent) {
                // a failed passive declare closes the channel: declare on a fresh one
                rabbit.execute(fresh -> fresh.queueDeclare(queue, true, false, false, arguments));
                LOG.info("RabbitMQ queue {} declared (durable, {})", queue, arguments);
            }
            return null;
        });
    }
}

package com.mstore.hub.rabbitmq;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.component.springrabbit.SpringRabbitMQEndpoint;
import org.apache.camel.support.LifecycleStrategySupport;

/**
 * Declares the queues the flows read when they do not exist yet: every queue a route consumes
 * through the default exchange (camel-spring-rabbitmq cannot declare those itself: RabbitMQ refuses
 * it on the default exchange), as a route is added, and each flow's dead-letter queue
 * ({@link RabbitDeadLetters}). A queue that exists is left exactly as it is: the backend may have
 * declared {@code emails} as a plain durable queue, and redeclaring it with other arguments would be
 * refused (PRECONDITION_FAILED) and close the channel.
 */
@Configuration
public class RabbitTopology implements CamelConfiguration {

    /** Lets a new queue a flow reads honour message priorities 0-9. */
    static final Map<String, Object> NEW_QUEUE_ARGUMENTS = Map.of("x-max-priority", 9);

    private static RabbitPublisher publisher(CamelContext context) {
        return context.getRegistry().lookupByNameAndType("rabbitPublisher", RabbitPublisher.class);
    }

    /**
     * At start, for every route defined (one whose consumer is switched off still names a queue other
     * flows publish to, such as emails on an instance that only enqueues), and for each route added
     * later (a flow file added while routes reload).
     */
    @Override
    public void configure(CamelContext context) throws Exception {
        AtomicBoolean defined = new AtomicBoolean();
        context.addStartupListener((started, alreadyStarted) -> {
            // called as the first routes start, when every route is defined
            if (defined.compareAndSet(false, true)) {
                for (RouteDefinition route : ((ModelCamelContext) started).getRouteDefinitions()) {
                    declareQueuesRead(started, started.getEndpoint(route.getInput().getEndpointUri()));
                }
            }
        });
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onRoutesAdd(Collection<Route> routes) {
                routes.forEach(route -> declareQueuesRead(context, route.getEndpoint()));
            }
        });
    }

    private static void declareQueuesRead(CamelContext context, Endpoint endpoint) {
        if (endpoint instanceof SpringRabbitMQEndpoint rabbit && !rabbit.isAutoDeclare() && rabbit.getQueues() != null) {
            for (String queue : rabbit.getQueues().split(",")) {
                publisher(context).declareIfAbsent(queue.trim(), NEW_QUEUE_ARGUMENTS);
            }
        }
    }
}

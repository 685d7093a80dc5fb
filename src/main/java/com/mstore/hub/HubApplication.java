package com.mstore.hub;

import com.mstore.hub.config.BrokerConnections;
import com.mstore.hub.config.DedupeStores;
import com.mstore.hub.config.FlowBeans;
import com.mstore.hub.config.RabbitTopology;
import com.mstore.hub.config.SharedServerWebsockets;
import com.mstore.hub.health.BrokerHealth;
import com.mstore.hub.metrics.MetricsRegistry;
import com.mstore.hub.tracing.Tracing;
import org.apache.camel.main.Main;

/**
 * Starts the MStore Event Hub: camel-main loads application.properties, the route files in
 * {@code routes/} and the kamelets in {@code kamelets/}, and runs until SIGTERM or Ctrl-C.
 */
public final class HubApplication {

    private HubApplication() {
    }

    /**
     * The hub as camel-main runs it. Configuration classes are listed, not package-scanned, so
     * nothing else on the classpath (such as a test's RouteBuilder) is picked up.
     */
    public static Main newMain() {
        return new Main(HubApplication.class, BrokerConnections.class, BrokerHealth.class, DedupeStores.class,
                FlowBeans.class, MetricsRegistry.class, RabbitTopology.class, SharedServerWebsockets.class, Tracing.class);
    }

    public static void main(String... args) throws Exception {
        Main main = newMain();
        int exitCode = main.run(args);
        // run() returns once Camel has drained and stopped. After a SIGTERM the JVM would end with
        // 143 (killed by a signal) although the shutdown was clean: end with the hub's own code.
        Runtime.getRuntime().halt(exitCode);
    }
}

package com.mstore.hub;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.mstore.hub.config.BrokerSecurity;
import com.mstore.hub.config.CompiledRoutesCache;
import com.mstore.hub.config.MqttConnections;
import com.mstore.hub.config.RabbitConnections;
import com.mstore.hub.config.RedisConnections;
import com.mstore.hub.config.DeadLetterBeans;
import com.mstore.hub.config.FlowBeans;
import com.mstore.hub.config.KameletReloading;
import com.mstore.hub.config.RabbitTopology;
import com.mstore.hub.config.RedisListeners;
import com.mstore.hub.config.SharedServerWebsockets;
import com.mstore.hub.config.SmtpConnections;
import com.mstore.hub.health.BrokerHealth;
import com.mstore.hub.metrics.MetricsRegistry;
import com.mstore.hub.security.ApiAuthentication;
import com.mstore.hub.tracing.Tracing;
import org.apache.camel.main.Main;
import org.slf4j.LoggerFactory;

/**
 * Starts the MStore Event Hub: camel-main loads application.properties, the route files in
 * {@code routes/} and the kamelets in {@code kamelets/}, and runs until SIGTERM or Ctrl-C.
 */
public final class HubApplication {

    private HubApplication() {
    }

    /**
     * The hub as camel-main runs it. Configuration classes are listed, not package-scanned, so
     * nothing else on the classpath (such as a test's RouteBuilder) is picked up. No main class is
     * given: camel-main would scan its package for @Configuration classes and, with the listed ones,
     * configure each twice (two connection pools per broker).
     */
    public static Main newMain() {
        Main main = new Main();
        // instances, not classes: camel-main post-processes a class it instantiates twice, and each
        // pass would call the @BindToRegistry methods again (a second, leaked connection factory)
        main.configure().withConfigurations(List.of(new ApiAuthentication(), new BrokerSecurity(), new MqttConnections(), new RabbitConnections(), new RedisConnections(), new SmtpConnections(), new BrokerHealth(),
                new FlowBeans(), new MetricsRegistry(), new DeadLetterBeans(), new RedisListeners(), new RabbitTopology(), new SharedServerWebsockets(), new Tracing(), new KameletReloading()));
        main.addMainListener(CompiledRoutesCache.installer());
        return main;
    }

    public static void main(String... args) throws Exception {
        Main main = newMain();
        // After a SIGTERM the JVM runs its shutdown hooks (Camel's drains the routes) and would then
        // end with 143, killed by a signal, although the shutdown was clean. This hook holds the JVM
        // until run() has returned and halt() below has ended it with the hub's own exit code.
        CountDownLatch holdUntilHalt = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                holdUntilHalt.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "hub-exit-code"));
        int exitCode;
        try {
            exitCode = main.run(args);
        } catch (Throwable e) {
            LoggerFactory.getLogger(HubApplication.class).error("The hub stopped: {}", e.getMessage(), e);
            exitCode = 1;
        }
        Runtime.getRuntime().halt(exitCode);
    }
}

package com.mstore.hub.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.mstore.hub.brokers.BrokerProbe;
import com.mstore.hub.brokers.ProbedConnection;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every broker connection visible in {@code /observe/health} (readiness only: a broker outage
 * should take the pod out of service, not restart it), and refuses to start when a broker is
 * unreachable unless {@code mstore.startup.require-brokers=false}.
 */
@Configuration
public class BrokerHealth implements CamelConfiguration {

    @PropertyInject("mstore.startup.require-brokers")
    private boolean requireBrokers;

    @PropertyInject("mstore.startup.broker-timeout-ms")
    private long brokerTimeoutMs;

    private static final Logger LOG = LoggerFactory.getLogger(BrokerHealth.class);

    @Override
    public void configure(CamelContext context) {
        // every connection's package binds it; building its probe checks that its address is well
        // formed, so a malformed one stops start-up with the name of its setting
        List<BrokerProbe> probes = context.getRegistry().findByType(ProbedConnection.class).stream()
                .map(ProbedConnection::probe).sorted(java.util.Comparator.comparing(BrokerProbe::broker)).toList();
        Duration timeout = Duration.ofMillis(brokerTimeoutMs);

        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        for (BrokerProbe probe : probes) {
            registry.register(new ConnectionCheck(probe, timeout));
        }
        if (requireBrokers) {
            requireReachable(probes, timeout);
        }
    }

    /** Probes all brokers in parallel so start-up waits at most one timeout. */
    private static void requireReachable(List<BrokerProbe> probes, Duration timeout) {
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (BrokerProbe probe : probes) {
            results.add(CompletableFuture.supplyAsync(() -> {
                try {
                    probe.check().run(timeout);
                    LOG.info("{} reachable at {}", probe.broker(), probe.displayAddress());
                    return null;
                } catch (Exception e) {
                    return probe.unreachableMessage(e);
                }
            }));
        }
        List<String> failures = results.stream().map(CompletableFuture::join).filter(m -> m != null).toList();
        if (!failures.isEmpty()) {
            throw new IllegalStateException("Cannot start the hub: " + String.join("; ", failures));
        }
    }

    static final class ConnectionCheck extends AbstractHealthCheck {

        private final BrokerProbe probe;
        private final Duration timeout;

        ConnectionCheck(BrokerProbe probe, Duration timeout) {
            super("brokers", "broker-" + probe.broker().toLowerCase());
            this.probe = probe;
            this.timeout = timeout;
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            builder.detail("address", probe.displayAddress());
            builder.detail("setting", probe.setting());
            try {
                probe.check().run(timeout);
                builder.up();
            } catch (Exception e) {
                builder.message(probe.unreachableMessage(e));
                builder.down();
            }
        }
    }
}

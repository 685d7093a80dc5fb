package com.mstore.hub.health;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.mstore.hub.brokers.BrokerProbe;
import com.mstore.hub.brokers.ProbedConnection;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every broker connection visible in {@code /observe/health} (readiness only: a broker outage
 * should take the pod out of service, not restart it), and refuses to start when a broker is
 * unreachable unless {@code mstore.startup.require-brokers=false}.
 *
 * <p>The connections are probed on a schedule ({@code mstore.health.probe-interval-ms}), each probe
 * its own new connection, and a health request answers from the last probe: requests, however
 * many, open no connection to any broker.
 */
@Configuration
public class BrokerHealth implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerHealth.class);

    @PropertyInject("mstore.startup.require-brokers")
    private boolean requireBrokers;

    @PropertyInject("mstore.startup.broker-timeout-ms")
    private long brokerTimeoutMs;

    @PropertyInject("mstore.health.probe-interval-ms")
    private long probeIntervalMs;

    /** What the last probe of a connection found: null when it answered, else why not. */
    private record Finding(String failure, Instant at) {
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        // every connection's package binds it; building its probe checks that its address is well
        // formed, so a malformed one stops start-up with the name of its setting
        List<BrokerProbe> probes = context.getRegistry().findByType(ProbedConnection.class).stream()
                .map(ProbedConnection::probe).sorted(Comparator.comparing(BrokerProbe::broker)).toList();
        Duration timeout = Duration.ofMillis(brokerTimeoutMs);
        Map<String, Finding> findings = new ConcurrentHashMap<>();
        probeAll(probes, timeout, findings);
        if (requireBrokers) {
            List<String> failures = probes.stream().map(probe -> findings.get(probe.broker()).failure()).filter(f -> f != null).toList();
            if (!failures.isEmpty()) {
                throw new IllegalStateException("Cannot start the hub: " + String.join("; ", failures));
            }
        }
        probes.forEach(probe -> LOG.info("{} {} at {}", probe.broker(),
                findings.get(probe.broker()).failure() == null ? "reachable" : "not reachable yet", probe.displayAddress()));
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        for (BrokerProbe probe : probes) {
            registry.register(new ConnectionCheck(probe, findings));
        }
        context.addService(new Prober(context, probes, timeout, Duration.ofMillis(probeIntervalMs), findings));
    }

    /** Probes all connections in parallel, so a round takes at most one timeout. */
    private static void probeAll(List<BrokerProbe> probes, Duration timeout, Map<String, Finding> findings) {
        CompletableFuture.allOf(probes.stream().map(probe -> CompletableFuture.runAsync(() -> {
            String failure;
            try {
                probe.check().run(timeout);
                failure = null;
            } catch (Exception e) {
                failure = probe.unreachableMessage(e);
            }
            findings.put(probe.broker(), new Finding(failure, Instant.now()));
        })).toArray(CompletableFuture[]::new)).join();
    }

    /** Probes every connection each interval while the hub runs. */
    private static final class Prober extends ServiceSupport {
        private final CamelContext context;
        private final List<BrokerProbe> probes;
        private final Duration timeout;
        private final Duration interval;
        private final Map<String, Finding> findings;
        private ScheduledExecutorService schedule;

        Prober(CamelContext context, List<BrokerProbe> probes, Duration timeout, Duration interval, Map<String, Finding> findings) {
            this.context = context;
            this.probes = probes;
            this.timeout = timeout;
            this.interval = interval;
            this.findings = findings;
        }

        @Override
        protected void doStart() {
            schedule = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "broker-probes");
            schedule.scheduleWithFixedDelay(() -> {
                try {
                    probeAll(probes, timeout, findings);
                } catch (RuntimeException e) {
                    LOG.warn("The broker probes could not run: {}", e.getMessage());
                }
            }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        protected void doStop() {
            if (schedule != null) {
                context.getExecutorServiceManager().shutdownNow(schedule);
            }
        }
    }

    static final class ConnectionCheck extends AbstractHealthCheck {

        private final BrokerProbe probe;
        private final Map<String, Finding> findings;

        ConnectionCheck(BrokerProbe probe, Map<String, Finding> findings) {
            super("brokers", "broker-" + probe.broker().toLowerCase());
            this.probe = probe;
            this.findings = findings;
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            Finding last = findings.get(probe.broker());
            builder.detail("address", probe.displayAddress());
            builder.detail("setting", probe.setting());
            builder.detail("probedAt", last.at().toString());
            if (last.failure() == null) {
                builder.up();
            } else {
                builder.message(last.failure());
                builder.down();
            }
        }
    }
}

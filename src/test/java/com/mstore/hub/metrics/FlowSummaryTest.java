package com.mstore.hub.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.mstore.hub.flows.FlowSummary;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The periodic summary line: each route's counts since the last line, idle routes left out. */
class FlowSummaryTest {

    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final FlowSummary summary = new FlowSummary(metrics);

    @Test
    void countsSinceTheLastLineForTheRoutesThatDidSomething() {
        Counter devices = succeeded("device-status");
        Counter deviceFailures = failed("device-status");
        Counter cache = succeeded("cache-invalidation");
        succeeded("order-get");
        Counter ownTicks = succeeded("flow-summary");
        devices.increment(1200);
        deviceFailures.increment(3);
        cache.increment(40);
        ownTicks.increment();
        assertThat(summary.log(60_000)).isEqualTo("Last 60 s: cache-invalidation 40 done, device-status 1200 done 3 failed");

        devices.increment(5);
        ownTicks.increment();
        assertThat(summary.log(60_000)).isEqualTo("Last 60 s: device-status 5 done");
        ownTicks.increment();
        assertThat(summary.log(60_000)).isNull();
    }

    private Counter succeeded(String route) {
        return Counter.builder("camel.exchanges.succeeded").tag("routeId", route).register(metrics);
    }

    private Counter failed(String route) {
        return Counter.builder("camel.exchanges.failed").tag("routeId", route).register(metrics);
    }
}

package com.mstore.hub.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Counts each redelivery attempt of the shared error handling, per route, as
 * {@code mstore_redeliveries_total{route}} (Camel's own counters only see broker redeliveries).
 */
public class RedeliveryCounter implements Processor, CamelContextAware {

    private CamelContext camelContext;
    private volatile MeterRegistry registry;

    @Override
    public void process(Exchange exchange) {
        String route = exchange.getProperty(Exchange.FAILURE_ROUTE_ID, exchange.getFromRouteId(), String.class);
        registry().counter("mstore.redeliveries", "route", route == null ? "unknown" : route).increment();
    }

    private MeterRegistry registry() {
        if (registry == null) {
            registry = camelContext.getRegistry().findSingleByType(MeterRegistry.class);
        }
        return registry;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }
}

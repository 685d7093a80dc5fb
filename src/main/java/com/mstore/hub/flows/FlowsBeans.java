package com.mstore.hub.flows;

import com.mstore.hub.deadletters.DeadLetterStore;
import com.mstore.hub.metrics.MetricsRegistry;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.health.HealthCheckRegistry;

/** What the hub's own routes (hub/dead-letters.camel.yaml, hub/flow-summary.camel.yaml) call to show the flows, and their health check. */
@Configuration
public class FlowsBeans implements CamelConfiguration {

    @BindToRegistry(value = "flowActivity", lazy = true)
    public FlowActivity flowActivity(CamelContext context, DeadLetterStore deadLetterStore) {
        return new FlowActivity(context, MetricsRegistry.of(context), deadLetterStore);
    }

    @BindToRegistry(value = "flowSummary", lazy = true)
    public FlowSummary flowSummary(CamelContext context) {
        return new FlowSummary(MetricsRegistry.of(context));
    }

    @Override
    public void configure(CamelContext context) {
        HealthCheckRegistry.get(context).register(new FlowsHealth(context));
    }
}

package com.mstore.hub.flows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * One readiness check over the flows the hub has loaded now ({@link Flows}): each flow's state as a
 * detail ({@code flow.<name>}), DOWN while a flow's source is not running or a flow has no route to
 * take its dead letters.
 */
final class FlowsHealth extends AbstractHealthCheck {

    private final CamelContext context;

    FlowsHealth(CamelContext context) {
        super("mstore", "flows");
        this.context = context;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        List<String> problems = new ArrayList<>();
        for (Flows.Flow flow : Flows.of(context)) {
            String state = stateOf(flow);
            builder.detail("flow." + flow.id(), state);
            if (!state.equals("UP")) {
                problems.add(flow.id() + ": " + state);
            }
        }
        if (problems.isEmpty()) {
            builder.up();
        } else {
            builder.message(String.join("; ", problems));
            builder.down();
        }
    }

    private String stateOf(Flows.Flow flow) {
        for (Flows.Source source : flow.sources()) {
            ServiceStatus status = context.getRouteController().getRouteStatus(source.routeId());
            // a consumer switched off on purpose (autoStartup false) is not a fault
            org.apache.camel.Route route = context.getRoute(source.routeId());
            boolean switchedOff = status == ServiceStatus.Stopped && route != null && Boolean.FALSE.equals(route.isAutoStartup());
            if (status != ServiceStatus.Started && !switchedOff) {
                return "route " + source.routeId() + " reading " + source.describe() + " is " + status;
            }
        }
        boolean deadLetters = flow.routes().stream().anyMatch(route -> "mstore-error-handling".equals(route.getConfigurationId()));
        String deadLetterUri = flow.deadLetterEndpoint().replace("direct:", "direct://");
        if (deadLetters && context.getRoutes().stream().noneMatch(route -> route.getEndpoint().getEndpointUri().equals(deadLetterUri))) {
            return "no route takes its dead letters (" + flow.deadLetterEndpoint() + ")";
        }
        return "UP";
    }
}

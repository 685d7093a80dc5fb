package com.mstore.hub.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.deadletters.DeadLetterFlow;
import com.mstore.hub.deadletters.DeadLetterStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

/**
 * GET /api/flows, what the console shows of each flow: whether its consumers run, how many messages
 * this instance handled and failed since it started (the console turns two readings into a rate),
 * and how many dead letters are kept (all instances). A flow is the routes of its route group that
 * read from a broker; the direct: steps they call would count each message twice.
 */
public class FlowActivity {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final CamelContext context;
    private final MeterRegistry metrics;
    private final DeadLetterStore store;

    public FlowActivity(CamelContext context, MeterRegistry metrics, DeadLetterStore store) {
        this.context = context;
        this.metrics = metrics;
        this.store = store;
    }

    public void snapshot(Exchange exchange) throws JsonProcessingException {
        List<Map<String, Object>> flows = new ArrayList<>();
        for (DeadLetterFlow flow : DeadLetterFlow.values()) {
            List<Route> consumers = context.getRoutes().stream()
                    .filter(route -> flow.id().equals(route.getGroup()))
                    .filter(route -> !route.getEndpoint().getEndpointUri().startsWith("direct:"))
                    .toList();
            String health = consumers.isEmpty() ? "NONE" : "UP";
            for (Route route : consumers) {
                ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
                if (status != ServiceStatus.Started) {
                    health = "DOWN";
                }
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("flow", flow.id());
            item.put("health", health);
            item.put("handled", total("camel.exchanges.succeeded", consumers));
            item.put("failed", total("camel.exchanges.failed", consumers));
            Long deadLetters;
            try {
                deadLetters = store.stored(flow);
            } catch (RuntimeException e) {
                deadLetters = null; // Redis unreachable: the page shows it unknown
            }
            item.put("deadLetters", deadLetters);
            flows.add(item);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", System.currentTimeMillis());
        body.put("flows", flows);
        exchange.getMessage().setBody(JSON.writeValueAsString(body));
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    private long total(String meter, List<Route> routes) {
        double sum = 0;
        for (Meter counter : metrics.find(meter).meters()) {
            String routeId = counter.getId().getTag("routeId");
            if (routes.stream().anyMatch(route -> route.getRouteId().equals(routeId))) {
                sum += counter instanceof Counter plain ? plain.count()
                        : counter instanceof FunctionCounter function ? function.count() : 0;
            }
        }
        return Math.round(sum);
    }
}

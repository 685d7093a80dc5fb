package com.mstore.hub.flows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.deadletters.DeadLetterStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;

/**
 * GET /api/flows, what the console shows of each flow the hub has loaded ({@link Flows}): what it
 * reads, whether its consumers run, how many messages this instance handled since it started and
 * how many of them failed (dead-lettered, or failed back to their broker), and how many dead letters
 * are kept (all instances). Counted over the flow's sources; the direct: steps they call would count
 * each message twice.
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
        for (Flows.Flow flow : Flows.of(context)) {
            Set<String> sources = flow.sources().stream().map(Flows.Source::routeId).collect(Collectors.toSet());
            String health = sources.isEmpty() ? "NONE" : "UP";
            for (String routeId : sources) {
                if (context.getRouteController().getRouteStatus(routeId) != ServiceStatus.Started) {
                    health = "DOWN";
                }
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("flow", flow.id());
            item.put("sources", flow.sources().stream().map(source -> Map.of("route", source.routeId(),
                    "broker", source.broker().name(), "address", source.address())).toList());
            item.put("health", health);
            item.put("handled", total("camel.exchanges.succeeded", "routeId", sources));
            item.put("failed", total("camel.exchanges.failed", "routeId", sources) + total("mstore.dead.letters", "flow", Set.of(flow.id())));
            Long deadLetters;
            try {
                deadLetters = store.stored(flow.id());
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

    /** The sum of a counter over the series whose tag has one of the values. */
    private long total(String meter, String tag, Set<String> values) {
        double sum = 0;
        for (Meter counter : metrics.find(meter).meters()) {
            if (values.contains(counter.getId().getTag(tag))) {
                sum += counter instanceof Counter plain ? plain.count()
                        : counter instanceof FunctionCounter function ? function.count() : 0;
            }
        }
        return Math.round(sum);
    }
}

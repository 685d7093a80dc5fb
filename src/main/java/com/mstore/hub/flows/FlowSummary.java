package com.mstore.hub.flows;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per interval with what each route did since the last one, for the flows that log
 * each message at DEBUG only (at thousands of messages a second a line per message costs a
 * measurable share of the CPU, and tells an operator less than a count). Read from the route
 * counters Camel keeps in the metrics registry ({@code camel_exchanges_succeeded_total},
 * {@code camel_exchanges_failed_total}); an interval in which no route handled anything logs nothing.
 */
public class FlowSummary {

    private static final Logger LOG = LoggerFactory.getLogger("com.mstore.hub.flows");

    /** The timer route that calls this: its own ticks are not news. */
    private static final String OWN_ROUTE = "flow-summary";

    private final MeterRegistry metrics;
    private final Map<String, Double> previous = new ConcurrentHashMap<>();

    public FlowSummary(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /** Logs the routes that handled messages since the last call; returns the line, or null when idle. */
    public synchronized String log(long intervalMillis) {
        Map<String, long[]> byRoute = new TreeMap<>();
        count("camel.exchanges.succeeded", 0, byRoute);
        count("camel.exchanges.failed", 1, byRoute);
        String active = byRoute.entrySet().stream()
                .filter(route -> route.getValue()[0] + route.getValue()[1] > 0)
                .map(route -> route.getKey() + " " + route.getValue()[0] + " done"
                        + (route.getValue()[1] > 0 ? " " + route.getValue()[1] + " failed" : ""))
                .collect(Collectors.joining(", "));
        if (active.isEmpty()) {
            return null;
        }
        String interval = intervalMillis % 1000 == 0 ? intervalMillis / 1000 + " s" : intervalMillis + " ms";
        String line = "Last " + interval + ": " + active;
        LOG.info(line);
        return line;
    }

    private void count(String meter, int slot, Map<String, long[]> byRoute) {
        for (Meter counter : metrics.find(meter).meters()) {
            String route = counter.getId().getTag("routeId");
            if (route == null || route.equals(OWN_ROUTE)) {
                continue;
            }
            double now = counter instanceof Counter plain ? plain.count()
                    : counter instanceof FunctionCounter function ? function.count() : 0;
            double before = previous.getOrDefault(meter + "/" + route, 0.0);
            previous.put(meter + "/" + route, now);
            byRoute.computeIfAbsent(route, r -> new long[2])[slot] = Math.round(now - before);
        }
    }
}

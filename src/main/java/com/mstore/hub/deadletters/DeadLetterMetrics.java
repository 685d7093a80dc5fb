package com.mstore.hub.deadletters;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The dead-letter counters by flow (kept, dropped, not kept, replayed, discarded) and the stored gauge. */
public final class DeadLetterMetrics {
    private final MeterRegistry registry;

    public DeadLetterMetrics(MeterRegistry registry, DeadLetterStore store) {
        this.registry = registry;
        for (DeadLetterFlow flow : DeadLetterFlow.values()) {
            Gauge.builder("mstore.dead.letters.stored", store, s -> storedOrNaN(s, flow))
                    .tag("flow", flow.id()).description("Dead letters kept for the dead-letter API (all instances)")
                    .register(registry);
            for (String counter : new String[] {"replayed", "discarded", "dropped"}) {
                counter(counter, flow.id());
            }
        }
    }

    private static double storedOrNaN(DeadLetterStore store, DeadLetterFlow flow) {
        try {
            return store.stored(flow);
        } catch (RuntimeException e) {
            return Double.NaN; // Redis unreachable: the scrape goes on
        }
    }

    private Counter counter(String what, String flow) {
        return Counter.builder("mstore.dead.letters." + what).tag("flow", flow).register(registry);
    }

    public void dropped(DeadLetterFlow flow, long count) {
        counter("dropped", flow.id()).increment(count);
    }

    public void notKept(String flow) {
        counter("not.kept", flow).increment();
    }

    public void replayed(DeadLetterFlow flow) {
        counter("replayed", flow.id()).increment();
    }

    public void discarded(DeadLetterFlow flow) {
        counter("discarded", flow.id()).increment();
    }
}

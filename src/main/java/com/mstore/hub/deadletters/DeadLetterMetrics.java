package com.mstore.hub.deadletters;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The dead-letter counters by flow (kept, dropped, not kept, replayed, discarded) and the stored
 * gauge of each flow the hub has loaded ({@link #follow}: flows added and removed as routes reload).
 */
public final class DeadLetterMetrics {

    private final MeterRegistry registry;
    private final DeadLetterStore store;
    private final Set<String> followed = new HashSet<>();

    public DeadLetterMetrics(MeterRegistry registry, DeadLetterStore store) {
        this.registry = registry;
        this.store = store;
    }

    /** Registers the meters of flows that are new, and removes the stored gauge of flows that are gone. */
    public synchronized void follow(List<String> flows) {
        for (String flow : flows) {
            if (followed.add(flow)) {
                Gauge.builder("mstore.dead.letters.stored", store, s -> storedOrNaN(s, flow))
                        .tag("flow", flow).description("Dead letters kept for the dead-letter API (all instances)")
                        .register(registry);
                Gauge.builder("mstore.dead.letters.stored.bytes", store, s -> storedBytesOrNaN(s, flow))
                        .tag("flow", flow).description("Bytes the kept dead letters take in Redis (all instances)")
                        .register(registry);
                for (String counter : new String[] {"replayed", "discarded", "dropped"}) {
                    counter(counter, flow);
                }
            }
        }
        for (String gone : Set.copyOf(followed)) {
            if (!flows.contains(gone)) {
                followed.remove(gone);
                for (String gauge : new String[] {"mstore.dead.letters.stored", "mstore.dead.letters.stored.bytes"}) {
                    Meter stored = registry.find(gauge).tag("flow", gone).meter();
                    if (stored != null) {
                        registry.remove(stored);
                    }
                }
            }
        }
    }

    private static double storedOrNaN(DeadLetterStore store, String flow) {
        try {
            return store.stored(flow);
        } catch (RuntimeException e) {
            return Double.NaN; // Redis unreachable: the scrape goes on
        }
    }

    private static double storedBytesOrNaN(DeadLetterStore store, String flow) {
        try {
            return store.storedBytes(flow);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private Counter counter(String what, String flow) {
        return Counter.builder("mstore.dead.letters." + what).tag("flow", flow).register(registry);
    }

    public void dropped(String flow, long count) {
        counter("dropped", flow).increment(count);
    }

    public void notKept(String flow) {
        counter("not.kept", flow == null ? "none" : flow).increment();
    }

    public void replayed(String flow) {
        counter("replayed", flow).increment();
    }

    public void discarded(String flow) {
        counter("discarded", flow).increment();
    }
}

package com.mstore.hub.brokers;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;

/** The broker kinds the hub knows, as their packages bound them in the registry. */
public final class Brokers {

    private Brokers() {
    }

    public static List<Broker> all(CamelContext context) {
        return context.getRegistry().findByType(Broker.class).stream().sorted(Comparator.comparing(Broker::name)).toList();
    }

    /** The broker an endpoint belongs to; empty for the hub's own endpoints (direct, timer, rest...). */
    public static Optional<Broker> owning(CamelContext context, Endpoint endpoint) {
        if (endpoint == null) {
            return Optional.empty();
        }
        return all(context).stream().filter(broker -> broker.owns(endpoint)).findFirst();
    }

    public static Optional<Broker> named(CamelContext context, String name) {
        return all(context).stream().filter(broker -> broker.name().equals(name)).findFirst();
    }
}

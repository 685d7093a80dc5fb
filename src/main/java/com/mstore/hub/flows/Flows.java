package com.mstore.hub.flows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.mstore.hub.brokers.Broker;
import com.mstore.hub.brokers.Brokers;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/**
 * The flows as Camel has them loaded now. A flow is the route group of its routes (the routes of one
 * flow file, {@code group: <flow>}); its sources are those of its routes that read from a broker.
 * Read from the context each time, so a flow file added, edited or removed while routes reload
 * changes the flows at once; nothing lists them by hand.
 */
public final class Flows {

    /** A flow's name is part of Redis keys, metric tags and its dead-letter route, direct:&lt;flow&gt;-dead-letter. */
    public static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** One endpoint a flow reads: the route that reads it, the broker and what it reads there (topic, subject, queue, channel). */
    public record Source(String routeId, Broker broker, String address) {

        /** As the API shows it: "nats:orders.created". */
        public String describe() {
            return broker.name() + ":" + address;
        }
    }

    /** A flow: its name, every route of its group, and the ones that read from a broker. */
    public record Flow(String id, List<Route> routes, List<Source> sources) {

        /** The route its dead letters go to, by the convention of the shared error handling. */
        public String deadLetterEndpoint() {
            return "direct:" + id + "-dead-letter";
        }

        /** The broker kinds its sources read from, each once. */
        public List<Broker> brokers() {
            return sources.stream().map(Source::broker).distinct().toList();
        }
    }

    private Flows() {
    }

    /** Every flow, by name. */
    public static List<Flow> of(CamelContext context) {
        Map<String, List<Route>> byGroup = new TreeMap<>();
        for (Route route : context.getRoutes()) {
            if (route.getGroup() != null && !route.getGroup().isBlank()) {
                byGroup.computeIfAbsent(route.getGroup(), group -> new ArrayList<>()).add(route);
            }
        }
        List<Broker> brokers = Brokers.all(context);
        List<Flow> flows = new ArrayList<>();
        byGroup.forEach((id, routes) -> {
            List<Source> sources = new ArrayList<>();
            for (Route route : routes) {
                if (route.isCreatedByKamelet()) {
                    continue;
                }
                brokers.stream().filter(broker -> broker.owns(route.getEndpoint())).findFirst()
                        .ifPresent(broker -> sources.add(new Source(route.getRouteId(), broker, broker.address(route.getEndpoint()))));
            }
            flows.add(new Flow(id, List.copyOf(routes), List.copyOf(sources)));
        });
        return flows;
    }

    public static Optional<Flow> named(CamelContext context, String id) {
        return of(context).stream().filter(flow -> flow.id().equals(id)).findFirst();
    }

    /** The names of the flows, in order. */
    public static List<String> names(CamelContext context) {
        return of(context).stream().map(Flow::id).toList();
    }
}

package com.mstore.hub.dev;

import java.util.Set;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.support.PluginHelper;

/** The demo traffic routes ({@code demo/demo-traffic.camel.yaml}), added to a running hub by {@code make demo}. */
public final class DemoTraffic {

    static final String ROUTES = "classpath:demo/demo-traffic.camel.yaml";

    private DemoTraffic() {
    }

    public static void addTo(CamelContext context) {
        RoutesLoader loader = PluginHelper.getRoutesLoader(context);
        Resource routes = PluginHelper.getResourceLoader(context).resolveResource(ROUTES);
        try {
            Set<String> before = context.getRoutes().stream().map(Route::getRouteId)
                    .collect(Collectors.toSet());
            loader.loadRoutes(routes);
            // the supervising route controller leaves routes added to a running hub stopped (not the
            // routes of the kamelets they call, which the kamelet component starts: starting one again fails)
            for (Route route : context.getRoutes()) {
                if (!before.contains(route.getRouteId()) && !route.isCreatedByKamelet()) {
                    context.getRouteController().startRoute(route.getRouteId());
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not start the demo traffic from " + ROUTES, e);
        }
    }
}

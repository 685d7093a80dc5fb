package com.mstore.hub.metrics;

import java.time.Duration;
import java.util.Arrays;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;

/**
 * The Prometheus registry behind /observe/metrics (camel-micrometer-prometheus binds it as
 * {@code metricsRegistry}), set up so that each route's processing time
 * ({@code camel_route_policy_seconds}) is also a histogram with fixed buckets, which Prometheus can
 * aggregate across pods into percentiles (a summary's quantiles cannot be), and so that every meter
 * of a route ({@code routeId} or {@code route} tag) carries the route's flow as tag {@code flow}.
 */
@Configuration
public class MetricsRegistry implements CamelConfiguration {

    static final String NAME = "metricsRegistry";
    private static final String ROUTE_PROCESSING_TIME = "camel.route.policy";

    @PropertyInject("mstore.metrics.processing-time-buckets-ms")
    private String bucketsMs;

    /** The hub's registry; a private one where there is none (a test context without camel-micrometer). */
    public static io.micrometer.core.instrument.MeterRegistry of(CamelContext context) {
        io.micrometer.core.instrument.MeterRegistry registry =
                context.getRegistry().lookupByNameAndType(NAME, io.micrometer.core.instrument.MeterRegistry.class);
        return registry != null ? registry : new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    }

    /**
     * The flow of the route a meter is about: its route group, as the route has it when the meter is
     * made; "none" for the hub's own routes (Prometheus needs every series of a name to carry the same labels).
     */
    private static MeterFilter flowTag(CamelContext context) {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String routeId = id.getTag("routeId") != null ? id.getTag("routeId") : id.getTag("route");
                if (routeId == null || id.getTag("flow") != null) {
                    return id;
                }
                org.apache.camel.Route route = context.getRoute(routeId);
                String flow = route == null || route.getGroup() == null || route.getGroup().isBlank() ? "none" : route.getGroup();
                return id.withTag(io.micrometer.core.instrument.Tag.of("flow", flow));
            }
        };
    }

    @Override
    public void configure(CamelContext context) {
        double[] bucketsNanos = Arrays.stream(bucketsMs.split(","))
                .mapToDouble(ms -> Duration.ofMillis(Long.parseLong(ms.trim())).toNanos())
                .toArray();
        PrometheusMeterRegistry registry = context.getRegistry().lookupByNameAndType(NAME, PrometheusMeterRegistry.class);
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            context.getRegistry().bind(NAME, registry);
        }
        registry.config().meterFilter(flowTag(context));
        // routes start after this, so every route's timer is registered through the filter
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (id.getType() != Meter.Type.TIMER || !id.getName().equals(ROUTE_PROCESSING_TIME)) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(bucketsNanos).build().merge(config);
            }
        });
    }
}

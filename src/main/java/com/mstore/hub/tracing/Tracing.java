package com.mstore.hub.tracing;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.opentelemetry.OpenTelemetryTracer;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distributed tracing with camel-opentelemetry: every route and every broker call is a span, and
 * the W3C {@code traceparent} travels in Kafka headers, AMQP headers and NATS headers (Camel's span
 * decorators for those components inject and extract it) and in MQTT 5 user properties
 * ({@link Mqtt5UserPropertiesSpanDecorator}). Redis pub/sub has no headers: a cache invalidation or
 * notification starts a trace of its own.
 *
 * <p>On only when there is somewhere to send spans: the standard OTEL_* variables (or otel.*
 * system properties) name an OTLP endpoint or an exporter, or the registry already holds an
 * {@link OpenTelemetry} (an embedding application, a test's in-memory exporter). Otherwise no
 * tracer is installed and tracing costs nothing.
 */
@Configuration
public class Tracing implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);
    static final String INSTRUMENTATION_NAME = "mstore-event-hub";
    /**
     * Defaults under the OTEL_* variables: traces only (metrics are scraped from /observe/metrics,
     * logs go to stdout) over OTLP/HTTP, which the JDK's own HTTP client sends.
     */
    private static final Map<String, String> SDK_DEFAULTS = Map.of(
            "otel.service.name", "mstore-event-hub",
            "otel.exporter.otlp.protocol", "http/protobuf",
            "otel.metrics.exporter", "none",
            "otel.logs.exporter", "none");

    @Override
    public void configure(CamelContext context) throws Exception {
        OpenTelemetry openTelemetry = CamelContextHelper.findSingleByType(context, OpenTelemetry.class);
        if (openTelemetry == null && exportConfigured(System.getenv(), System::getProperty)) {
            OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
                    .addPropertiesSupplier(() -> SDK_DEFAULTS)
                    .build().getOpenTelemetrySdk();
            context.addService(new SpanFlushOnStop(sdk));
            openTelemetry = sdk;
            // for the spans the hub makes itself for each message of a batch (MessageSpans)
            context.getRegistry().bind("openTelemetry", OpenTelemetry.class, sdk);
        }
        if (openTelemetry == null) {
            LOG.info("Tracing off: set OTEL_EXPORTER_OTLP_ENDPOINT to export spans over OTLP");
            return;
        }
        OpenTelemetryTracer tracer = new OpenTelemetryTracer();
        tracer.setTracer(openTelemetry.getTracer(INSTRUMENTATION_NAME));
        tracer.setContextPropagators(openTelemetry.getPropagators());
        tracer.addDecorator(new Mqtt5UserPropertiesSpanDecorator());
        tracer.init(context);
        LOG.info("Tracing on: spans exported by OpenTelemetry, W3C trace context propagated across brokers");
    }

    /** Sends the spans still buffered when the hub stops, so a graceful shutdown loses none. */
    private static final class SpanFlushOnStop extends ServiceSupport {
        private final OpenTelemetrySdk sdk;

        SpanFlushOnStop(OpenTelemetrySdk sdk) {
            this.sdk = sdk;
        }

        @Override
        protected void doStop() {
            sdk.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Whether the OpenTelemetry SDK's standard settings ask for spans to be exported. A service
     * name alone does not: without an endpoint the SDK would send to localhost:4318 for nothing.
     */
    static boolean exportConfigured(Map<String, String> environment, Function<String, String> systemProperties) {
        Function<String, String> setting = name -> {
            String value = systemProperties.apply(name);
            return value != null ? value : environment.get(name.toUpperCase(Locale.ROOT).replace('.', '_'));
        };
        if ("true".equalsIgnoreCase(setting.apply("otel.sdk.disabled"))) {
            return false;
        }
        String exporter = setting.apply("otel.traces.exporter");
        if (exporter != null && !exporter.isBlank()) {
            return !exporter.trim().equalsIgnoreCase("none");
        }
        return setting.apply("otel.exporter.otlp.endpoint") != null
                || setting.apply("otel.exporter.otlp.traces.endpoint") != null;
    }
}

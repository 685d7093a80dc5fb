package com.mstore.hub.tracing;

import java.util.HashMap;
import java.util.Map;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import org.apache.camel.CamelContext;

/**
 * A span for one message that the hub publishes on its own, inside a batch, so that each message
 * stays one trace from the backend through the hub.
 *
 * <p>Why this exists: camel-opentelemetry makes one span per exchange, and a batching consumer's
 * exchange holds a whole poll of records. Each record's publish (an audit record, a receipt job)
 * gets a PRODUCER span here instead, a child of the trace context the record arrived with, and
 * that span's context travels on in the message's headers. With tracing off no span is made and
 * the incoming context is passed on unchanged, so the backend's own traces stay connected.
 */
public final class MessageSpans {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> FROM_MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    /** One message's span; {@link #headers()} is what the message carries on. */
    public static final class MessageSpan {
        private final Span span;
        private final Map<String, String> headers;

        private MessageSpan(Span span, Map<String, String> headers) {
            this.span = span;
            this.headers = headers;
        }

        /** W3C headers for the outgoing message: this span's context, or the incoming one with tracing off. */
        public Map<String, String> headers() {
            return headers;
        }

        public void succeeded() {
            if (span != null) {
                span.end();
            }
        }

        public void failed(Throwable error) {
            if (span != null) {
                span.recordException(error);
                span.setStatus(StatusCode.ERROR, error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
                span.end();
            }
        }
    }

    private final Tracer tracer;

    private MessageSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Spans from the OpenTelemetry the hub traces with (com.mstore.hub.tracing.Tracing), or none. */
    public static MessageSpans of(CamelContext context) {
        OpenTelemetry openTelemetry = context == null ? null : context.getRegistry().findSingleByType(OpenTelemetry.class);
        return new MessageSpans(openTelemetry == null ? null : openTelemetry.getTracer(Tracing.INSTRUMENTATION_NAME));
    }

    /**
     * Starts the span of publishing one message.
     *
     * @param incoming the W3C headers ({@code traceparent}, {@code tracestate}) the message's cause carried, maybe none
     * @param system   messaging.system: {@code kafka}, {@code rabbitmq}
     */
    public MessageSpan publish(Map<String, String> incoming, String system, String destination) {
        if (tracer == null) {
            Map<String, String> passedOn = new HashMap<>();
            for (String name : new String[] {TraceContext.TRACEPARENT, TraceContext.TRACESTATE}) {
                String value = incoming.get(name);
                if (value != null) {
                    passedOn.put(name, value);
                }
            }
            return new MessageSpan(null, passedOn);
        }
        Context parent = W3C.extract(Context.root(), incoming, FROM_MAP);
        Span span = tracer.spanBuilder(destination + " publish")
                .setParent(parent)
                .setSpanKind(SpanKind.PRODUCER)
                .setAttribute("messaging.system", system)
                .setAttribute("messaging.destination.name", destination)
                .setAttribute("messaging.operation.type", "publish")
                .startSpan();
        Map<String, String> headers = new HashMap<>();
        W3C.inject(Context.root().with(span), headers, Map::put);
        return new MessageSpan(span, headers);
    }
}

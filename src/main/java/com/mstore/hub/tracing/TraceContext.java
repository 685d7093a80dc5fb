package com.mstore.hub.tracing;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import org.apache.camel.Exchange;
import org.apache.camel.tracing.ActiveSpanManager;
import org.apache.camel.tracing.SpanAdapter;

/**
 * The W3C trace context of an exchange, for code that writes to a broker without a Camel endpoint
 * (whose span decorators would otherwise carry it), such as the transactional audit log.
 *
 * <p>With tracing on, that is the exchange's active span. With tracing off, the {@code traceparent}
 * the message arrived with is passed on unchanged, so the backend's own traces stay connected.
 */
public final class TraceContext {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private TraceContext() {
    }

    /** The trace id the exchange belongs to, or null when it carries no trace context. */
    public static String traceId(Exchange exchange) {
        SpanContext span = activeSpanContext(exchange);
        if (span.isValid()) {
            return span.getTraceId();
        }
        return traceIdOf(incomingTraceparent(exchange));
    }

    /** The trace id of a W3C traceparent value, or null when it is absent or malformed. */
    public static String traceIdOf(String traceparent) {
        if (traceparent == null) {
            return null;
        }
        String[] parts = traceparent.trim().split("-");
        return parts.length == 4 && parts[1].matches("[0-9a-f]{32}") ? parts[1] : null;
    }

    /** Writes the exchange's trace context as W3C headers ({@code traceparent}, {@code tracestate}). */
    public static void inject(Exchange exchange, BiConsumer<String, String> header) {
        SpanContext span = activeSpanContext(exchange);
        if (span.isValid()) {
            W3CTraceContextPropagator.getInstance().inject(Context.root().with(Span.wrap(span)), header,
                    (carrier, name, value) -> carrier.accept(name, value));
            return;
        }
        String incoming = incomingTraceparent(exchange);
        if (incoming != null) {
            header.accept(TRACEPARENT, incoming);
        }
    }

    private static SpanContext activeSpanContext(Exchange exchange) {
        SpanAdapter active = ActiveSpanManager.getSpan(exchange);
        if (active == null) {
            return SpanContext.getInvalid();
        }
        try (AutoCloseable scope = active.makeCurrent()) {
            return Span.current().getSpanContext();
        } catch (Exception e) {
            throw new IllegalStateException("could not read the active span", e);
        }
    }

    private static String incomingTraceparent(Exchange exchange) {
        Object header = exchange.getMessage().getHeader(TRACEPARENT);
        if (header == null) {
            return null;
        }
        return header instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : header.toString();
    }
}

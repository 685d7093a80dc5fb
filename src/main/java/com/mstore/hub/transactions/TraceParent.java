package com.mstore.hub.transactions;

import java.nio.charset.StandardCharsets;

/** Reads the trace id out of a W3C {@code traceparent} header: {@code 00-<trace id>-<span id>-<flags>}. */
final class TraceParent {

    private TraceParent() {
    }

    static String traceId(Object header) {
        if (header == null) {
            return null;
        }
        String value = header instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : header.toString();
        String[] parts = value.trim().split("-");
        return parts.length == 4 && parts[1].matches("[0-9a-f]{32}") ? parts[1] : null;
    }
}

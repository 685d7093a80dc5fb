package com.mstore.hub.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** When the standard OpenTelemetry settings switch the hub's span export on. */
class TracingSwitchTest {

    private static boolean on(Map<String, String> environment, Map<String, String> systemProperties) {
        return Tracing.exportConfigured(environment, systemProperties::get);
    }

    @Test
    void offWithoutOtelSettingsAndWithAServiceNameAlone() {
        assertThat(on(Map.of(), Map.of())).isFalse();
        assertThat(on(Map.of("OTEL_SERVICE_NAME", "hub"), Map.of())).isFalse();
    }

    @Test
    void onWithAnOtlpEndpointOrAnExporterFromTheEnvironmentOrSystemProperties() {
        assertThat(on(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger:4318"), Map.of())).isTrue();
        assertThat(on(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://jaeger:4318/v1/traces"), Map.of())).isTrue();
        assertThat(on(Map.of("OTEL_TRACES_EXPORTER", "console"), Map.of())).isTrue();
        assertThat(on(Map.of(), Map.of("otel.exporter.otlp.endpoint", "http://jaeger:4318"))).isTrue();
    }

    @Test
    void offWhenTheSdkIsDisabledOrTheExporterIsNone() {
        assertThat(on(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger:4318", "OTEL_SDK_DISABLED", "true"), Map.of())).isFalse();
        assertThat(on(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://jaeger:4318", "OTEL_TRACES_EXPORTER", "none"), Map.of())).isFalse();
        assertThat(on(Map.of("OTEL_TRACES_EXPORTER", "console"), Map.of("otel.traces.exporter", "none"))).isFalse();
    }
}

package com.mstore.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.Ports;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.MqttTestClient;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.apache.camel.opentelemetry.OpenTelemetryTracer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One trace across the brokers, read from the OpenTelemetry SDK's in-memory exporter: the backend's
 * W3C trace context enters with a Kafka record, NATS message or MQTT 5 message and every span the
 * hub makes for it, on every broker it passes, carries the same trace id.
 */
class TracingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AttributeKey<String> SCHEME = AttributeKey.stringKey("url.scheme");
    private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private final String queue = settings.get("mstore.emails.queue");
    private final int smtpPort = Ports.free();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private OpenTelemetrySdk openTelemetry;
    private GreenMailSmtp smtp;

    @BeforeEach
    void setUp() {
        openTelemetry = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        settings.put("mstore.smtp.port", String.valueOf(smtpPort));
        smtp = GreenMailSmtp.start(smtpPort);
    }

    @AfterEach
    void tearDown() {
        smtp.close();
        openTelemetry.close();
        try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
            rabbit.deleteQueue(queue);
            rabbit.deleteQueue(settings.get("mstore.emails.dlq"));
        }
    }

    /**
     * The transaction's trace runs through the hub one message at a time although the hub reads Kafka
     * in batches: the audit record's publish is a span of the backend's trace, the receipt job's
     * publish a span under it, and the email worker's consumer and SMTP send under that.
     */
    @Test
    void aTransactionIsOneTraceFromKafkaThroughTheAuditTheEmailJobAndTheSmtpSend() throws Exception {
        String traceId = newTraceId();
        try (RunningHub hub = RunningHub.startWith(settings, Map.of("openTelemetry", openTelemetry));
             KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"))) {
            kafka.send(settings.get("mstore.transactions.topic"), "TRX-" + run, """
                    {"transactionCode": "TRX-%s", "branchId": 7, "grandTotal": 1000, "customerEmail": "a@example.com"}"""
                    .formatted(run), Map.of("traceparent", traceparent(traceId)));

            await().atMost(PATIENCE).until(() -> smtp.mailbox().getReceivedMessages().length == 1);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(schemesIn(traceId)).as(this::allSpans)
                    .containsAll(Set.of("spring-rabbitmq", "smtp")));

            List<SpanData> trace = spansOf(traceId);
            SpanData audit = trace.stream().filter(span -> span.getKind() == SpanKind.PRODUCER
                    && "kafka".equals(span.getAttributes().get(MESSAGING_SYSTEM))).findFirst().orElseThrow();
            assertThat(audit.getParentSpanId()).as("a child of the backend's span").isEqualTo(traceId.substring(0, 16));
            SpanData enqueue = trace.stream().filter(span -> span.getKind() == SpanKind.PRODUCER
                    && "rabbitmq".equals(span.getAttributes().get(MESSAGING_SYSTEM))).findFirst().orElseThrow();
            assertThat(enqueue.getParentSpanId()).as("the receipt follows its audit record").isEqualTo(audit.getSpanId());
            // the email worker's consumer span is a child of the enqueue span: the context crossed RabbitMQ
            assertThat(trace).anyMatch(span -> span.getKind() == SpanKind.CONSUMER
                    && "spring-rabbitmq".equals(span.getAttributes().get(SCHEME))
                    && span.getParentSpanId().equals(enqueue.getSpanId()));

            ConsumerRecord<String, String> record = kafka.readAll(settings.get("mstore.transactions.audit-topic")).get(0);
            assertThat(JSON.readTree(record.value()).path("audit").path("traceId").asText()).isEqualTo(traceId);
            assertThat(new String(record.headers().lastHeader("traceparent").value(), StandardCharsets.UTF_8))
                    .isEqualTo("00-" + traceId + "-" + audit.getSpanId() + "-01");
        }
    }

    @Test
    void theTraceContextCrossesNatsAndMqtt5InAndOut() throws Exception {
        String orderTrace = newTraceId();
        String deviceTrace = newTraceId();
        String deviceId = "POS-TRACE-" + run;
        try (RunningHub hub = RunningHub.startWith(settings, Map.of("openTelemetry", openTelemetry));
             Connection nats = Nats.connect(settings.get("mstore.nats.servers"));
             MqttTestClient device = new MqttTestClient(settings.get("mstore.mqtt.server-uri"))) {
            Headers headers = new Headers().add("traceparent", traceparent(orderTrace));
            nats.publish(NatsMessage.builder().subject(settings.get("mstore.orders.created-subject")).headers(headers).data("""
                    {"orderId": "ORD-%s", "branchId": 7, "status": "created", "items": [{"productId": 5, "quantity": 2}],
                     "total": 30000, "updatedAt": "2026-11-28T10:00:00Z"}"""
                    .formatted(run).getBytes(StandardCharsets.UTF_8)).build());
            device.publish("devices/" + deviceId + "/status", """
                    {"deviceId": "%s", "online": true, "batteryLevel": 80, "lastSeen": "%s"}"""
                    .formatted(deviceId, Instant.now()), Map.of("traceparent", traceparent(deviceTrace)));

            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(schemesIn(orderTrace)).as(this::allSpans).contains("nats");
                assertThat(schemesIn(deviceTrace)).as(this::allSpans).contains("paho-mqtt5");
            });

            // outbound: the HTTP gateway's order.get request carries its context to the responder
            assertThat(hub.get("/api/orders/ORD-" + run).statusCode()).isEqualTo(200);
            await().atMost(PATIENCE).untilAsserted(() -> assertThat(spans.getFinishedSpanItems()).as(this::allSpans)
                    .anyMatch(span -> span.getKind() == io.opentelemetry.api.trace.SpanKind.CONSUMER
                            && span.getName().equals(settings.get("mstore.orders.request-subject"))
                            && schemesIn(span.getTraceId()).containsAll(Set.of("rest", "nats"))));
            device.subscribe("devices/" + deviceId + "/events");
            HttpResponse<String> accepted = hub.post("/api/devices/" + deviceId + "/commands", "{\"command\": \"reboot\"}");
            assertThat(accepted.statusCode()).isEqualTo(202);
            await().atMost(PATIENCE).until(() -> device.received().stream()
                    .anyMatch(message -> message.topic().endsWith("/events")));
            MqttTestClient.Received command = device.received().stream()
                    .filter(message -> message.topic().endsWith("/events")).findFirst().orElseThrow();
            String commandTrace = command.userProperty("traceparent").split("-")[1];
            await().atMost(PATIENCE).untilAsserted(() ->
                    assertThat(schemesIn(commandTrace)).as(this::allSpans).contains("paho-mqtt5"));
            assertThat(schemesIn(commandTrace)).contains("rest");
        }
    }

    @Test
    void theStandardOtelSettingsExportSpansOverOtlpHttp() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + exchange.getRequestBody().readAllBytes().length);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        Map<String, String> otel = Map.of(
                "otel.exporter.otlp.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort(),
                "otel.bsp.schedule.delay", "100");
        otel.forEach(System::setProperty);
        try (RunningHub hub = RunningHub.startWith(settings);
             Connection nats = Nats.connect(settings.get("mstore.nats.servers"))) {
            nats.publish(settings.get("mstore.orders.created-subject"), "not json".getBytes(StandardCharsets.UTF_8));
            await().atMost(PATIENCE).until(() -> !received.isEmpty());
            assertThat(received.get(0)).startsWith("application/x-protobuf");
        } finally {
            otel.keySet().forEach(System::clearProperty);
            collector.stop(0);
        }
    }

    @Test
    void withoutAnExporterNoTracerIsInstalled() {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            assertThat(hub.context().hasService(OpenTelemetryTracer.class)).isNull();
        }
        try (RunningHub hub = RunningHub.startWith(settings, Map.of("openTelemetry", openTelemetry))) {
            assertThat(hub.context().hasService(OpenTelemetryTracer.class)).isNotNull();
        }
    }

    /** The endpoint schemes (kafka, nats, smtp, ...) of the spans in a trace: the brokers it crossed. */
    private Set<String> schemesIn(String traceId) {
        return spansOf(traceId).stream().map(span -> span.getAttributes().get(SCHEME))
                .filter(java.util.Objects::nonNull).collect(Collectors.toSet());
    }

    /** Every span exported so far, one per line, for failure messages. */
    private String allSpans() {
        return spans.getFinishedSpanItems().stream().map(span -> span.getTraceId() + " " + span.getSpanId() + "<" + span.getParentSpanId() + " " + span.getKind() + " "
                + span.getName() + " " + span.getAttributes().get(SCHEME)).collect(Collectors.joining("\n", "spans:\n", ""));
    }

    private List<SpanData> spansOf(String traceId) {
        return spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).toList();
    }

    private static String newTraceId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private static String traceparent(String traceId) {
        return "00-" + traceId + "-" + traceId.substring(0, 16) + "-01";
    }
}

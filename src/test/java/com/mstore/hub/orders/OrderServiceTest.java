package com.mstore.hub.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.testing.RabbitClient;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Flow 2 against a real nats-server and Redis, with a plain NATS client as the other services: CONTRACTS.md section 2. */
class OrderServiceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final String created = "orders.created." + run;
    private final String updated = "orders.updated." + run;
    private final String reserved = "inventory.reserved." + run;
    private final String deadLetters = "orders.dlq." + run;
    private final String orderGet = "order.get." + run;
    private final String emailQueue = "emails-" + run;

    private Map<String, String> settings;
    private Connection nats;

    @BeforeEach
    void setUp() throws Exception {
        settings = new HashMap<>(TestBrokers.hubSettings());
        settings.put("mstore.orders.created-subject", created);
        settings.put("mstore.orders.updated-subject", updated);
        settings.put("mstore.orders.reserved-subject", reserved);
        settings.put("mstore.orders.dlq-subject", deadLetters);
        settings.put("mstore.orders.request-subject", orderGet);
        settings.put("mstore.emails.queue", emailQueue);
        settings.put("mstore.emails.dlq", emailQueue + ".dlq");
        settings.put("mstore.emails.worker-enabled", "false");
        settings.put("mstore.transactions.topic", "transactions-" + run);
        nats = Nats.connect(settings.get("mstore.nats.servers"));
    }

    @AfterEach
    void tearDown() throws Exception {
        nats.close();
        try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
            rabbit.deleteQueue(emailQueue);
            rabbit.deleteQueue(emailQueue + ".dlq");
        }
    }

    @Test
    void createdThenUpdatedThenReservedGivesTheFinalStateAndAnOlderUpdateIsIgnored() throws Exception {
        String orderId = "ORD-" + run;
        try (RunningHub hub = RunningHub.startWith(settings)) {
            awaitEventsFlow();
            publish(created, """
                    {"OrderID": "%s", "BranchID": 7, "Status": "created", "Items": [{"ProductID": 5, "Quantity": 2}],
                     "Total": 30000, "CustomerEmail": "c@example.com", "UpdatedAt": "2026-11-28T10:00:00Z"}""".formatted(orderId));
            awaitOrder(orderId, order -> "created".equals(order.path("status").asText()));
            publish(updated, """
                    {"order_id": "%s", "status": "paid", "total": 32000, "updated_at": "2026-11-28T10:05:00Z"}""".formatted(orderId));
            awaitOrder(orderId, order -> "paid".equals(order.path("status").asText()));
            publish(reserved, """
                    {"orderId": "%s", "productId": 5, "quantity": 2, "reservedAt": "2026-11-28T10:06:00Z"}""".formatted(orderId));
            awaitOrder(orderId, order -> "stock_reserved".equals(order.path("status").asText()));
            // an update older than the state arrives late: it must not win
            publish(updated, """
                    {"orderId": "%s", "status": "cancelled", "total": 1, "updatedAt": "2026-11-28T10:01:00Z"}""".formatted(orderId));
            publish(updated, """
                    {"orderId": "%s", "status": "stock_reserved", "updatedAt": 1764324360}""".formatted("MARKER-" + run));
            awaitOrder("MARKER-" + run, order -> true);

            JsonNode order = request(orderId);
            assertThat(order.get("status").asText()).isEqualTo("stock_reserved");
            assertThat(order.get("total").asLong()).isEqualTo(32000);
            assertThat(order.get("branchId").asLong()).isEqualTo(7);
            assertThat(order.get("items").get(0).get("productId").asLong()).isEqualTo(5);
        }
    }

    @Test
    void anOrderCreatedWithACustomerEmailEnqueuesAnOrderConfirmation() throws Exception {
        String orderId = "ORD-MAIL-" + run;
        try (RunningHub hub = RunningHub.startWith(settings);
             RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
            awaitEventsFlow();
            publish(created, "{\"orderId\": \"%s\", \"customerEmail\": \"c@example.com\", \"updatedAt\": \"2026-11-28T10:00:00Z\"}"
                    .formatted(orderId));
            await().atMost(PATIENCE).until(() -> rabbit.ready(emailQueue) == 1);
            JsonNode job = JSON.readTree(rabbit.drain(emailQueue).get(0).body());
            assertThat(job.get("type").asText()).isEqualTo("order_confirmation");
            assertThat(job.get("orderId").asText()).isEqualTo(orderId);
            assertThat(job.get("to").asText()).isEqualTo("c@example.com");
        }
    }

    @Test
    void orderGetAnswersFoundMissingAndMalformedRequestsAsTheContractSays() throws Exception {
        String orderId = "ORD-GET-" + run;
        try (RunningHub hub = RunningHub.startWith(settings)) {
            awaitEventsFlow();
            publish(created, "{\"orderId\": \"%s\", \"status\": \"created\", \"total\": 5, \"updatedAt\": 1764324000}".formatted(orderId));
            awaitOrder(orderId, order -> true);

            assertThat(request(orderId).get("total").asLong()).isEqualTo(5);
            assertThat(rawRequest("{\"orderId\": \"ORD-NOPE-" + run + "\"}"))
                    .isEqualTo("{\"error\":\"Order not found\",\"orderId\":\"ORD-NOPE-" + run + "\"}");
            assertThat(rawRequest("not json")).isEqualTo("{\"error\":\"Invalid request\"}");
            assertThat(rawRequest("{\"id\": 1}")).isEqualTo("{\"error\":\"Invalid request\"}");
            assertThat(rawRequest("")).isEqualTo("{\"error\":\"Invalid request\"}");
        }
    }

    @Test
    void twoHubsInOneQueueGroupAnswerEachRequestOnce() throws Exception {
        try (RunningHub first = RunningHub.startWith(settings);
             RunningHub second = RunningHub.startWith(settings)) {
            // both instances have joined the queue group once each has answered a request
            await().atMost(PATIENCE).until(() -> answered(orderGet)
                    && first.completed("order-get") > 0 && second.completed("order-get") > 0);
            long before = first.completed("order-get") + second.completed("order-get");
            String inbox = nats.createInbox();
            Map<String, AtomicInteger> repliesPerRequest = new ConcurrentHashMap<>();
            Dispatcher dispatcher = nats.createDispatcher(msg -> {
                String body = new String(msg.getData(), StandardCharsets.UTF_8);
                repliesPerRequest.computeIfAbsent(body, k -> new AtomicInteger()).incrementAndGet();
            });
            dispatcher.subscribe(inbox);
            int requests = 200;
            for (int i = 0; i < requests; i++) {
                nats.publish(orderGet, inbox, "{\"orderId\": \"Q-%d\"}".formatted(i).getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(PATIENCE).until(() -> repliesPerRequest.size() == requests);
            nats.flush(Duration.ofSeconds(5));
            // a late duplicate would show up as a count of 2, after the marker's reply at the latest
            publishMarkerAndAwait(orderGet, repliesPerRequest, requests);
            assertThat(repliesPerRequest.values()).allMatch(count -> count.get() == 1);
            assertThat(first.completed("order-get") + second.completed("order-get") - before).isEqualTo(requests + 1);
            nats.closeDispatcher(dispatcher);
        }
    }

    @Test
    void aThousandConcurrentRequestsAreAllAnswered() throws Exception {
        try (RunningHub hub = RunningHub.startWith(settings)) {
            await().atMost(PATIENCE).until(() -> answered(orderGet));
            List<CompletableFuture<Message>> replies = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                replies.add(nats.request(orderGet, "{\"orderId\": \"C-%d\"}".formatted(i).getBytes(StandardCharsets.UTF_8)));
            }
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < 1000; i++) {
                String reply = new String(replies.get(i).get().getData(), StandardCharsets.UTF_8);
                assertThat(reply).isEqualTo("{\"error\":\"Order not found\",\"orderId\":\"C-" + i + "\"}");
            }
        }
    }

    @Test
    void theHttpGatewayAnswers200404504And503() throws Exception {
        String orderId = "ORD-HTTP-" + run;
        settings.put("mstore.orders.request-timeout-ms", "1000");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            awaitEventsFlow();
            publish(created, "{\"orderId\": \"%s\", \"total\": 7, \"updatedAt\": 1764324000}".formatted(orderId));
            awaitOrder(orderId, order -> true);

            var found = hub.get("/api/orders/" + orderId);
            assertThat(found.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(found.body()).get("total").asLong()).isEqualTo(7);
            assertThat(found.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
            assertThat(hub.get("/api/orders/ORD-NONE-" + run).statusCode()).isEqualTo(404);

            // the hub's responder stops: no responder at all is 503
            hub.context().getRouteController().stopRoute("order-get");
            await().atMost(PATIENCE).until(() -> !answered(orderGet));
            assertThat(hub.get("/api/orders/" + orderId).statusCode()).isEqualTo(503);

            // a responder slower than the timeout is 504
            Dispatcher slow = nats.createDispatcher(msg -> { /* never answers in time */ });
            slow.subscribe(orderGet, "order-service");
            nats.flush(Duration.ofSeconds(5));
            var timedOut = hub.get("/api/orders/" + orderId);
            assertThat(timedOut.statusCode()).isEqualTo(504);
            nats.closeDispatcher(slow);
        }
    }

    @Test
    void theHttpGatewayAnswers503WhenNatsIsUnreachable() {
        settings.put("mstore.startup.require-brokers", "false");
        settings.put("mstore.nats.servers", "nats://localhost:" + com.mstore.hub.testing.FreePorts.one());
        try (RunningHub hub = RunningHub.startWith(settings)) {
            var response = hub.get("/api/orders/ORD-1");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.body()).contains("\"error\"");
        }
    }

    @Test
    void badEventsGoToTheDeadLetterSubjectWithTheirReasonAndGoodOnesFlow() throws Exception {
        List<Message> dead = new java.util.concurrent.CopyOnWriteArrayList<>();
        Dispatcher dlq = nats.createDispatcher(dead::add);
        dlq.subscribe(deadLetters);
        nats.flush(Duration.ofSeconds(5));
        Map<String, String> bad = new java.util.LinkedHashMap<>();
        bad.put("not json", "not-json");
        bad.put("{\"status\": \"created\", \"updatedAt\": 1}", "invalid-payload");
        bad.put("{\"orderId\": \"X\", \"updatedAt\": \"yesterday\"}", "invalid-payload");
        bad.put("{\"orderId\": \"\", \"updatedAt\": 1}", "invalid-payload");
        try (RunningHub hub = RunningHub.startWith(settings)) {
            awaitEventsFlow();
            for (String event : bad.keySet()) {
                publish(created, event);
            }
            publish(created, "{\"orderId\": \"GOOD-%s\", \"updatedAt\": 1764324000}".formatted(run));
            awaitOrder("GOOD-" + run, order -> true);
            await().atMost(PATIENCE).until(() -> dead.size() == bad.size());
        }
        for (Message message : dead) {
            String body = new String(message.getData(), StandardCharsets.UTF_8);
            assertThat(bad).containsKey(body);
            assertThat(message.getHeaders().getFirst("mstore-error-reason")).isEqualTo(bad.get(body));
            assertThat(message.getHeaders().getFirst("mstore-error-message")).isNotBlank();
            assertThat(message.getHeaders().getFirst("mstore-source-subject")).isEqualTo(created);
        }
        nats.closeDispatcher(dlq);
    }

    private void publishMarkerAndAwait(String subject, Map<String, AtomicInteger> replies, int before) throws Exception {
        String inboxMarker = "{\"orderId\": \"MARKER\"}";
        Message reply = nats.request(subject, inboxMarker.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
        assertThat(reply).isNotNull();
        assertThat(replies).hasSize(before);
    }

    private void publish(String subject, String body) {
        nats.publish(subject, body.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode request(String orderId) throws Exception {
        return JSON.readTree(rawRequest("{\"orderId\": \"" + orderId + "\"}"));
    }

    private String rawRequest(String body) throws Exception {
        Message reply = nats.request(orderGet, body.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
        assertThat(reply).as("a reply to %s", body).isNotNull();
        return new String(reply.getData(), StandardCharsets.UTF_8);
    }

    private void awaitOrder(String orderId, java.util.function.Predicate<JsonNode> condition) {
        await().atMost(PATIENCE).until(() -> {
            JsonNode order = JSON.readTree(rawRequest("{\"orderId\": \"" + orderId + "\"}"));
            return !order.has("error") && condition.test(order);
        });
    }

    /** The hub listens on the order subjects once a probe event published there becomes visible. */
    private void awaitEventsFlow() {
        String probe = "PROBE-" + UUID.randomUUID();
        publish(created, "{\"orderId\": \"%s\", \"updatedAt\": 1}".formatted(probe));
        awaitOrder(probe, order -> true);
    }

    private boolean answered(String subject) {
        try {
            return nats.request(subject, "{\"orderId\": \"PROBE\"}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2)) != null;
        } catch (Exception noResponders) {
            return false;
        }
    }
}

package com.mstore.hub.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
import com.mstore.hub.testing.Threads;
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
    private final Map<String, String> settings = TestBrokers.hubSettings();
    private final String created = settings.get("mstore.orders.created-subject");
    private final String updated = settings.get("mstore.orders.updated-subject");
    private final String reserved = settings.get("mstore.orders.reserved-subject");
    private final String deadLetters = settings.get("mstore.orders.dlq-subject");
    private final String orderGet = settings.get("mstore.orders.request-subject");
    private final String emailQueue = settings.get("mstore.emails.queue");

    private Connection nats;

    @BeforeEach
    void setUp() throws Exception {
        settings.put("mstore.emails.worker-enabled", "false");
        nats = Nats.connect(settings.get("mstore.nats.servers"));
    }

    @AfterEach
    void tearDown() throws Exception {
        nats.close();
        try (RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"))) {
            rabbit.deleteQueue(emailQueue);
            rabbit.deleteQueue(settings.get("mstore.emails.dlq"));
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
            publish(reserved, """
                    {"orderId": "%s", "productId": 5, "quantity": 2, "reservedAt": "2026-11-28T10:01:00Z"}""".formatted(orderId));
            awaitOrder(orderId, order -> "stock_reserved".equals(order.path("status").asText()));
            publish(updated, """
                    {"order_id": "%s", "status": "paid", "total": 32000, "updated_at": "2026-11-28T10:05:00Z"}""".formatted(orderId));
            awaitOrder(orderId, order -> "paid".equals(order.path("status").asText()));
            // an update older than the state arrives late: it must not win
            publish(updated, """
                    {"orderId": "%s", "status": "cancelled", "total": 1, "updatedAt": "2026-11-28T10:01:00Z"}""".formatted(orderId));
            // a reservation after payment is news about stock, not a step back for the order
            publish(reserved, """
                    {"orderId": "%s", "productId": 6, "quantity": 1, "reservedAt": "2026-11-28T10:06:00Z"}""".formatted(orderId));
            awaitOrder(orderId, order -> order.path("reservations").size() == 2);
            publish(updated, """
                    {"orderId": "%s", "status": "stock_reserved", "updatedAt": 1764324360}""".formatted("MARKER-" + run));
            awaitOrder("MARKER-" + run, order -> true);

            JsonNode order = request(orderId);
            assertThat(order.get("status").asText()).isEqualTo("paid");
            assertThat(order.get("total").asLong()).isEqualTo(32000);
            assertThat(order.get("branchId").asLong()).isEqualTo(7);
            assertThat(order.get("items").get(0).get("productId").asLong()).isEqualTo(5);
            assertThat(order.get("updatedAt").asText()).isEqualTo("2026-11-28T10:06:00Z");
        }
    }

    /**
     * As the Go backend does it (nats.go, time.Now() in nanoseconds): an order's creation and its
     * reservation published from two connections within one millisecond, in both arrival orders.
     * The reservation follows the creation, so every order ends stock_reserved with the creation's
     * fields; a millisecond clock would let the creation undo it.
     */
    @Test
    void aReservationIsNotUndoneByTheCreationItFollowsWithinOneMillisecond() throws Exception {
        int orders = 200;
        try (RunningHub hub = RunningHub.startWith(settings);
             Connection inventory = Nats.connect(settings.get("mstore.nats.servers"))) {
            awaitEventsFlow();
            long createdBefore = hub.completed("orders-created");
            long reservedBefore = hub.completed("inventory-reserved");
            java.time.Instant base = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            for (int i = 0; i < orders; i++) {
                String orderId = "ORD-NS-%s-%d".formatted(run, i);
                java.time.Instant createdAt = base.plusNanos(i * 1_000_000L + 402_491L);
                java.time.Instant reservedAt = createdAt.plusNanos(i % 4 == 0 ? 0 : 5_000 + i);
                byte[] creation = """
                        {"OrderID": "%s", "BranchID": 7, "Status": "created", "Items": [{"ProductID": %d, "Quantity": 1}],
                         "Total": %d, "UpdatedAt": "%s"}""".formatted(orderId, i, 1000 + i, createdAt)
                        .getBytes(StandardCharsets.UTF_8);
                byte[] reservation = """
                        {"OrderID": "%s", "ProductID": %d, "Quantity": 1, "ReservedAt": "%s"}""".formatted(orderId, i, reservedAt)
                        .getBytes(StandardCharsets.UTF_8);
                if (i % 2 == 0) {
                    inventory.publish(reserved, reservation);
                    nats.publish(created, creation);
                } else {
                    nats.publish(created, creation);
                    inventory.publish(reserved, reservation);
                }
            }
            await().atMost(PATIENCE).until(() -> hub.completed("orders-created") - createdBefore >= orders
                    && hub.completed("inventory-reserved") - reservedBefore >= orders);
            for (int i = 0; i < orders; i++) {
                JsonNode order = request("ORD-NS-%s-%d".formatted(run, i));
                assertThat(order.path("status").asText()).as(order.toString()).isEqualTo("stock_reserved");
                assertThat(order.path("total").asLong()).as(order.toString()).isEqualTo(1000 + i);
                assertThat(order.path("branchId").asLong()).as(order.toString()).isEqualTo(7);
                assertThat(order.path("items").get(0).path("productId").asLong()).as(order.toString()).isEqualTo(i);
                assertThat(order.path("reservations")).as(order.toString()).hasSize(1);
            }
        }
    }

    /**
     * The order's JSON is the events' JSON, from the second event on too: an empty list stays a list,
     * a 19-digit id and a decimal amount keep every digit.
     */
    @Test
    void anOrderKeepsItsJsonExactThroughLaterEvents() throws Exception {
        String orderId = "ORD-EXACT-" + run;
        try (RunningHub hub = RunningHub.startWith(settings)) {
            awaitEventsFlow();
            publish(created, """
                    {"orderId": "%s", "branchId": 9223372036854775807, "status": "created", "items": [],
                     "externalId": 1234567890123456789, "discount": 1234.50, "updatedAt": "2026-11-28T10:00:00Z"}"""
                    .formatted(orderId));
            awaitOrder(orderId, order -> "created".equals(order.path("status").asText()));
            publish(updated, """
                    {"orderId": "%s", "status": "paid", "updatedAt": "2026-11-28T10:00:01Z"}""".formatted(orderId));
            awaitOrder(orderId, order -> "paid".equals(order.path("status").asText()));
            publish(reserved, """
                    {"orderId": "%s", "productId": 18446744073709551615, "quantity": 1, "reservedAt": "2026-11-28T10:00:02Z"}"""
                    .formatted(orderId));
            awaitOrder(orderId, order -> order.has("reservations"));

            String order = rawRequest("{\"orderId\": \"" + orderId + "\"}");
            assertThat(order).contains("\"items\":[]", "\"branchId\":9223372036854775807",
                    "\"externalId\":1234567890123456789", "\"discount\":1234.50", "\"productId\":18446744073709551615");
            assertThat(JSON.readTree(order).path("status").asText()).isEqualTo("paid");
        }
    }

    /** One reservation per product: several products add up, a product reserved again keeps its newest. */
    @Test
    void reservationsOfSeveralProductsAddUp() throws Exception {
        String orderId = "ORD-RES-" + run;
        try (RunningHub hub = RunningHub.startWith(settings)) {
            awaitEventsFlow();
            long reservedBefore = hub.completed("inventory-reserved");
            publish(reserved, "{\"orderId\": \"%s\", \"productId\": 5, \"quantity\": 2, \"reservedAt\": 1764324000}".formatted(orderId));
            publish(reserved, "{\"orderId\": \"%s\", \"productId\": 6, \"quantity\": 1, \"reservedAt\": 1764324001}".formatted(orderId));
            publish(reserved, "{\"orderId\": \"%s\", \"productId\": 5, \"quantity\": 3, \"reservedAt\": 1764324002}".formatted(orderId));
            publish(reserved, "{\"orderId\": \"%s\", \"productId\": 5, \"quantity\": 9, \"reservedAt\": 1764323999}".formatted(orderId));
            publish(created, "{\"orderId\": \"%s\", \"status\": \"created\", \"total\": 5, \"updatedAt\": 1764323990}".formatted(orderId));
            awaitOrder(orderId, order -> order.has("total"));
            await().atMost(PATIENCE).until(() -> hub.completed("inventory-reserved") - reservedBefore >= 4);
            JsonNode order = request(orderId);
            assertThat(order.path("status").asText()).isEqualTo("stock_reserved");
            assertThat(order.path("reservations")).hasSize(2);
            assertThat(order.path("reservations").get(0).path("productId").asLong()).isEqualTo(5);
            assertThat(order.path("reservations").get(0).path("quantity").asLong()).isEqualTo(3);
            assertThat(order.path("reservations").get(1).path("productId").asLong()).isEqualTo(6);
        }
    }

    /** A rollout meets orders stored by the earlier hub ({json, at}): they are carried over, not lost. */
    @Test
    void anOrderStoredByAnEarlierHubIsCarriedOver() throws Exception {
        String orderId = "ORD-OLD-" + run;
        try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis(settings.get("mstore.redis.host"),
                Integer.parseInt(settings.get("mstore.redis.port")))) {
            jedis.hset("mstore:order:" + orderId, Map.of(
                    "json", "{\"orderId\":\"%s\",\"status\":\"created\",\"total\":5,\"updatedAt\":1764324000}".formatted(orderId),
                    "at", "1764324000000"));
        }
        try (RunningHub hub = RunningHub.startWith(settings)) {
            awaitEventsFlow();
            long reservedBefore = hub.completed("inventory-reserved");
            publish(reserved, "{\"orderId\": \"%s\", \"productId\": 5, \"quantity\": 2, \"reservedAt\": 1764324060}".formatted(orderId));
            awaitOrder(orderId, order -> order.has("reservations"));
            JsonNode order = request(orderId);
            assertThat(order.path("status").asText()).isEqualTo("stock_reserved");
            assertThat(order.path("total").asLong()).isEqualTo(5);
            assertThat(order.path("updatedAt").asLong()).isEqualTo(1764324060);
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
                    && requestsAnswered(first) > 0 && requestsAnswered(second) > 0);
            long before = requestsAnswered(first) + requestsAnswered(second);
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
            assertThat(requestsAnswered(first) + requestsAnswered(second) - before).isEqualTo(requests + 1);
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
            for (String subscriber : orderGetRoutes(hub)) {
                hub.context().getRouteController().stopRoute(subscriber);
            }
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

    /** The routes answering order.get: order-get-1 to order-get-N (mstore.orders.request-subscribers). */
    private static List<String> orderGetRoutes(RunningHub hub) {
        return hub.context().getRoutes().stream().map(org.apache.camel.Route::getRouteId)
                .filter(id -> id.matches("order-get-\\d+")).sorted().toList();
    }

    private static long requestsAnswered(RunningHub hub) {
        return orderGetRoutes(hub).stream().mapToLong(hub::completed).sum();
    }

    /**
     * Requests are answered by several subscriptions side by side: while Redis holds every command,
     * each subscriber has a request waiting on it, and once Redis answers every request gets its reply.
     */
    @Test
    void whileOneRequestWaitsOnRedisAnotherSubscriberIsAnsweringBesideIt() throws Exception {
        int port = com.mstore.hub.local.Ports.free();
        com.mstore.hub.local.EmbeddedRedis own = com.mstore.hub.local.EmbeddedRedis.start(port);
        settings.put("mstore.redis.port", String.valueOf(port));
        settings.put("mstore.orders.request-subscribers", "2");
        try (own; RunningHub hub = RunningHub.startWith(settings);
             redis.clients.jedis.Jedis slow = new redis.clients.jedis.Jedis("localhost", port)) {
            assertThat(orderGetRoutes(hub)).containsExactly("order-get-1", "order-get-2");
            await().atMost(PATIENCE).until(() -> answered(orderGet));
            // well inside the hub's 5 s Redis command timeout: a wait, not a failure
            slow.clientPause(3000);
            List<CompletableFuture<Message>> replies = new ArrayList<>();
            // the queue group picks a member at random for each request: 20 reach both but once in 500,000 runs
            for (int i = 0; i < 20; i++) {
                replies.add(nats.request(orderGet, "{\"orderId\": \"P-%d\"}".formatted(i).getBytes(StandardCharsets.UTF_8)));
            }
            await().atMost(PATIENCE).until(() -> Threads.inside(OrderRepository.class, "answer") == 2);
            CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) {
                assertThat(new String(replies.get(i).get().getData(), StandardCharsets.UTF_8))
                        .isEqualTo("{\"error\":\"Order not found\",\"orderId\":\"P-" + i + "\"}");
            }
        }
    }

    private boolean answered(String subject) {
        try {
            return nats.request(subject, "{\"orderId\": \"PROBE\"}".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(2)) != null;
        } catch (Exception noResponders) {
            return false;
        }
    }
}

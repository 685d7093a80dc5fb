package com.mstore.hub.orders;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mstore.hub.json.Timestamps;
import com.mstore.hub.redis.RedisScripts;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The order read model (CONTRACTS.md section 2): the latest state of each order in Redis at
 * {@code mstore:order:{orderId}}, shared by every hub instance and kept across restarts. Events are
 * merged field by field in one Lua script ({@code merge-order.lua}, which says the rules), by their
 * time at the precision they were sent with, and the order's status only moves forward in its
 * lifecycle, so concurrent or out-of-order events cannot lose data or undo a reservation. Each
 * field is stored as the exact JSON the event carried: an empty list stays a list, a 19-digit id
 * and a decimal amount keep every digit.
 */
public class OrderRepository {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    private static final RedisScript<String> MERGE = RedisScripts.load("merge-order", String.class);
    private static final String STOCK_RESERVED = "stock_reserved";
    /** The read model's own field; an event's field of that name would make the order's JSON ambiguous. */
    private static final String RESERVATIONS = "reservations";

    private final StringRedisTemplate redis;
    private final Timestamps timestamps;
    private final String lifecycle;

    /** @param lifecycle the order statuses in the order they happen, for example created, stock_reserved, paid */
    public OrderRepository(StringRedisTemplate redis, Timestamps timestamps, List<String> lifecycle) {
        this.redis = redis;
        this.timestamps = timestamps;
        this.lifecycle = lifecycle.stream().map(OrderRepository::encoded).collect(Collectors.joining("\n"));
    }

    /** Applies orders.created / orders.updated (canonical JSON); returns the order's resulting state. */
    public String applyOrderEvent(String canonicalJson) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(canonicalJson);
        Instant at = timestamps.read(event.get("updatedAt"), "updatedAt");
        event.remove(RESERVATIONS);
        return merge(event.get("orderId").asText(), event, at, "", "");
    }

    /**
     * Applies inventory.reserved: the order's status becomes stock_reserved as of reservedAt (unless
     * it is already further along), and the reservation joins the order's list, one per product.
     */
    public String applyReservation(String canonicalJson) throws Exception {
        JsonNode reservation = JSON.readTree(canonicalJson);
        Instant at = timestamps.read(reservation.get("reservedAt"), "reservedAt");
        ObjectNode change = JSON.createObjectNode();
        change.put("orderId", reservation.get("orderId").asText());
        change.put("status", STOCK_RESERVED);
        change.set("updatedAt", reservation.get("reservedAt"));
        ObjectNode reserved = JSON.createObjectNode();
        reservation.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("orderId")) {
                reserved.set(field.getKey(), field.getValue());
            }
        });
        String product = reservation.hasNonNull("productId") ? reservation.get("productId").asText() : "unknown";
        return merge(change.get("orderId").asText(), change, at, product, JSON.writeValueAsString(reserved));
    }

    /**
     * The reply to an order.get request (the canonical tree the intake step leaves): the order, or
     * "Order not found". One method of this name: with an overload taking the request as text,
     * Camel's bean binding chose between them for every request, converting the tree to text to
     * try the other (a fifth of the route's CPU in make bench's profile).
     */
    public String answer(JsonNode request) {
        String orderId = request.get("orderId").asText();
        String order = find(orderId);
        return order != null ? order : OrderReplies.notFound(orderId);
    }

    /** The order's JSON, or null when the hub has never seen it. */
    public String find(String orderId) {
        return (String) redis.opsForHash().get(key(orderId), "json");
    }

    private String merge(String orderId, ObjectNode event, Instant at, String product, String reservation) throws Exception {
        String merged = redis.execute(MERGE, List.of(key(orderId)), arguments(event, Timestamps.sortable(at), product, reservation, ""));
        if (merged == null) {
            upgrade(orderId);
            merged = redis.execute(MERGE, List.of(key(orderId)), arguments(event, Timestamps.sortable(at), product, reservation, ""));
        }
        return merged;
    }

    /**
     * An order the hub stored before field-by-field merging ({json, at}, time in milliseconds) is
     * moved into the current layout, at its old time, before the event is merged.
     */
    private void upgrade(String orderId) throws Exception {
        List<Object> old = redis.opsForHash().multiGet(key(orderId), List.of("json", "at"));
        if (old.get(0) == null) {
            return;
        }
        ObjectNode state = (ObjectNode) JSON.readTree((String) old.get(0));
        Instant at = Instant.ofEpochMilli(old.get(1) == null ? 0 : Long.parseLong((String) old.get(1)));
        redis.execute(MERGE, List.of(key(orderId)), arguments(state, Timestamps.sortable(at), "", "", "upgrade"));
    }

    private Object[] arguments(ObjectNode fields, String at, String product, String reservation, String mode) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(at, lifecycle, product, reservation, mode));
        var iterator = fields.fields();
        while (iterator.hasNext()) {
            var field = iterator.next();
            arguments.add(encoded(field.getKey()));
            arguments.add(JSON.writeValueAsString(field.getValue()));
        }
        return arguments.toArray();
    }

    private static String encoded(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String key(String orderId) {
        return "mstore:order:" + orderId;
    }
}

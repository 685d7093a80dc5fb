package com.mstore.hub.orders;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mstore.hub.errors.RejectedMessageException;
import com.mstore.hub.redis.RedisScripts;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The order read model (CONTRACTS.md section 2): the latest state of each order in Redis at
 * {@code mstore:order:{orderId}}, shared by every hub instance and kept across restarts. Events are
 * merged by their time in one Lua script, so concurrent or out-of-order events cannot lose data.
 */
public class OrderRepository {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RedisScript<String> MERGE = RedisScripts.load("merge-order", String.class);

    private final StringRedisTemplate redis;

    public OrderRepository(StringRedisTemplate redis) {
        this.redis = redis;
    }

    /** Applies orders.created / orders.updated (canonical JSON); returns the order's resulting state. */
    public String applyOrderEvent(String canonicalJson) throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(canonicalJson);
        return merge(event.get("orderId").asText(), event, millis(event.get("updatedAt")));
    }

    /** Applies inventory.reserved: the order's status becomes stock_reserved as of reservedAt. */
    public String applyReservation(String canonicalJson) throws Exception {
        JsonNode reservation = JSON.readTree(canonicalJson);
        ObjectNode change = JSON.createObjectNode();
        change.put("orderId", reservation.get("orderId").asText());
        change.put("status", "stock_reserved");
        change.set("updatedAt", reservation.get("reservedAt"));
        return merge(change.get("orderId").asText(), change, millis(reservation.get("reservedAt")));
    }

    /** The reply to an order.get request (canonical JSON): the order, or "Order not found". */
    public String answer(String canonicalRequest) throws Exception {
        String orderId = JSON.readTree(canonicalRequest).get("orderId").asText();
        String order = find(orderId);
        return order != null ? order : OrderReplies.notFound(orderId);
    }

    /** The order's JSON, or null when the hub has never seen it. */
    public String find(String orderId) {
        return (String) redis.opsForHash().get(key(orderId), "json");
    }

    private String merge(String orderId, ObjectNode event, long atMillis) {
        return redis.execute(MERGE, List.of(key(orderId)), event.toString(), String.valueOf(atMillis));
    }

    static String key(String orderId) {
        return "mstore:order:" + orderId;
    }

    /** RFC 3339, or Unix seconds as the seed data uses. */
    static long millis(JsonNode timestamp) {
        if (timestamp.isNumber()) {
            return timestamp.asLong() * 1000;
        }
        try {
            return OffsetDateTime.parse(timestamp.asText()).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(timestamp.asText()).toEpochMilli();
            } catch (DateTimeParseException notRfc3339) {
                throw new RejectedMessageException("invalid-payload",
                        "timestamp '" + timestamp.asText() + "' is neither RFC 3339 nor Unix seconds");
            }
        }
    }
}

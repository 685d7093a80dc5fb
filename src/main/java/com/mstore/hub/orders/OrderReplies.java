package com.mstore.hub.orders;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The replies of the order.get service, exactly as CONTRACTS.md section 2 words them. */
public final class OrderReplies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OrderReplies() {
    }

    public static String notFound(String orderId) {
        return JSON.createObjectNode().put("error", "Order not found").put("orderId", orderId).toString();
    }

    public static String invalidRequest() {
        return JSON.createObjectNode().put("error", "Invalid request").toString();
    }

    public static String unavailable() {
        return JSON.createObjectNode().put("error", "Order service unavailable").toString();
    }

    /** The HTTP status for an order.get reply: 200 an order, 404 not found, 503 the service's own error. */
    public static int httpStatus(String reply) {
        try {
            JsonNode error = JSON.readTree(reply).get("error");
            if (error == null) {
                return 200;
            }
            return "Order not found".equals(error.asText()) ? 404 : 503;
        } catch (JsonProcessingException e) {
            return 503;
        }
    }

    /** The request body the HTTP gateway sends on order.get. */
    public static String request(String orderId) {
        return JSON.createObjectNode().put("orderId", orderId).toString();
    }
}

package com.mstore.hub.orders;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The fields of an order event the routes decide on; the read model keeps the whole event. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OrderEvent(String orderId, String customerEmail) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static OrderEvent fromJson(String canonicalJson) throws JsonProcessingException {
        return JSON.readValue(canonicalJson, OrderEvent.class);
    }

    public boolean hasCustomerEmail() {
        return customerEmail != null && !customerEmail.isBlank();
    }
}

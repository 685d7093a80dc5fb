package com.mstore.hub.transactions;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The fields of a POS transaction the hub acts on (CONTRACTS.md section 1). The audit record keeps
 * the whole payload, including fields not named here.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Transaction(Long id, String transactionCode, long branchId, long grandTotal, String currency,
                         String customerEmail) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** Reads a transaction from canonical JSON that has passed transaction.schema.json. */
    public static Transaction fromJson(String canonicalJson) throws JsonProcessingException {
        return JSON.readValue(canonicalJson, Transaction.class);
    }

    /** As {@link #fromJson(String)}, from a parsed tree. */
    public static Transaction fromJson(com.fasterxml.jackson.databind.JsonNode canonical) throws JsonProcessingException {
        return JSON.treeToValue(canonical, Transaction.class);
    }

    public boolean hasCustomerEmail() {
        return customerEmail != null && !customerEmail.isBlank();
    }

    /** The cache key the backend keeps the branch's sales figures under. */
    public String branchSalesCacheKey() {
        return "cache:branch:" + branchId + ":sales";
    }
}

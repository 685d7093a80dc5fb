package com.mstore.hub.json;

import java.util.Map;

import com.networknt.schema.JsonSchema;

/** One payload kind's JSON schema: its validator, and its property names by their folded spelling (InboundJson renames fields to them). */
public record PayloadSchema(String name, JsonSchema validator, Map<String, String> fieldsByFoldedName) {
}

package com.mstore.hub.json;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mstore.hub.errors.ReadableErrors;
import com.mstore.hub.errors.RejectedMessageException;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaException;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Turns an inbound payload into the hub's canonical JSON: size checked before parsing, then
 * every field name in camelCase, whichever of the backend's spellings it arrived in, then checked
 * against the payload's JSON schema. The Go backend marshals untagged structs
 * ({@code TransactionCode}, {@code BranchID}), other senders use {@code transactionCode} or
 * {@code transaction_code}.
 */
public final class InboundJson {

    /**
     * Strict parsing, so that what the hub acts on is what every other reader of the payload sees:
     * deeply nested input is refused long before it could exhaust the stack; a field given twice
     * (whose value differs between JSON parsers) and text after the JSON value are refused too.
     */
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // a decimal keeps every digit it was sent with (30000.10 stays 30000.10, not a double)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    /** The strict parsing above, for other JSON the hub is sent (an API request body, say) and for schemas. */
    public static com.fasterxml.jackson.databind.ObjectReader strictReader() {
        return MAPPER.reader();
    }

    /**
     * One payload kind's intake as a route step: the body becomes the canonical JSON tree that passed
     * the schema file {@code <schema>.schema.json} of {@link PayloadSchemas}, or the message is
     * rejected with its reason. A processor, so the hot path binds no bean parameters by reflection.
     */
    public static final class Intake implements Processor {
        private PayloadSchemas schemas;
        private String schema;
        private int maxBytes;
        private String bodyAs = "tree";

        public Intake() {
        }

        public Intake(PayloadSchemas schemas, String schema, int maxBytes) {
            this.schemas = schemas;
            this.schema = schema;
            this.maxBytes = maxBytes;
        }

        public void setSchemas(PayloadSchemas schemas) {
            this.schemas = schemas;
        }

        public void setSchema(String schema) {
            this.schema = schema;
        }

        /** Fails the route that uses this step while it is built when its schema cannot be read (a missing or broken file). */
        public void checkSchema() {
            schemas.get(schema);
        }

        public void setMaxBytes(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        /**
         * "tree" (a Jackson tree, for Java steps), "text" (its compact JSON text, for steps that take a
         * string) or "map" (a Map, for steps that read fields with Camel's simple language, ${body[branchId]}).
         */
        public void setBodyAs(String bodyAs) {
            if (!List.of("tree", "text", "map").contains(bodyAs)) {
                throw new IllegalArgumentException("bodyAs is tree, text or map, not " + bodyAs);
            }
            this.bodyAs = bodyAs;
        }

        @Override
        public void process(Exchange exchange) {
            JsonNode tree = read(exchange.getMessage().getBody(), schemas.get(schema), maxBytes);
            exchange.getMessage().setBody(switch (bodyAs) {
                case "text" -> tree.toString();
                case "map" -> MAPPER.convertValue(tree, Map.class);
                default -> tree;
            });
        }
    }

    /**
     * The payload as canonical JSON that has passed its schema, in one pass: parsed once, renamed,
     * and the tree itself validated (camel-json-validator would serialise and parse it again).
     *
     * @throws RejectedMessageException with reason {@code invalid-payload} when the schema refuses
     *                                  it, or the reasons of {@link #canonical}
     */
    public static JsonNode read(Object body, PayloadSchema schema, int maxBytes) {
        JsonNode tree = canonicalTree(body, schema, maxBytes);
        Set<ValidationMessage> errors = schema.validator().validate(tree);
        if (!errors.isEmpty()) {
            throw new RejectedMessageException("invalid-payload", "payload does not match its schema: "
                    + ReadableErrors.schemaViolations(errors));
        }
        return tree;
    }

    private static JsonNode canonicalTree(Object body, PayloadSchema schema, int maxBytes) {
        byte[] bytes = bytesOf(body);
        if (bytes.length == 0) {
            throw new RejectedMessageException("empty-body", "the message body is empty");
        }
        if (bytes.length > maxBytes) {
            throw new RejectedMessageException("too-large",
                    "the message body is " + bytes.length + " bytes, over the limit of " + maxBytes);
        }
        JsonNode tree;
        try {
            tree = MAPPER.readTree(body instanceof String text ? text : strictUtf8(bytes));
        } catch (JacksonException e) {
            throw new RejectedMessageException("not-json", ReadableErrors.notJson(e), e);
        } catch (java.io.IOException e) {
            throw new RejectedMessageException("not-json", "the message body cannot be read: " + e.getMessage(), e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new RejectedMessageException("not-json", "the message body is not JSON");
        }
        return renameFields(tree, schema.fieldsByFoldedName());
    }

    private static JsonNode renameFields(JsonNode node, Map<String, String> knownFields) {
        if (node.isObject()) {
            ObjectNode renamed = MAPPER.createObjectNode();
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = canonicalName(field.getKey(), knownFields);
                if (renamed.has(name)) {
                    // TransactionCode and transaction_code in one payload: which one the sender meant is unknown
                    throw new RejectedMessageException("ambiguous-field",
                            "the field " + name + " is given more than once, in different spellings");
                }
                renamed.set(name, renameFields(field.getValue(), knownFields));
            }
            return renamed;
        }
        if (node.isArray()) {
            var array = MAPPER.createArrayNode();
            node.forEach(element -> array.add(renameFields(element, knownFields)));
            return array;
        }
        return node;
    }

    static String canonicalName(String name, Map<String, String> knownFields) {
        return knownFields.getOrDefault(fold(name), name);
    }

    static String fold(String name) {
        return name.replace("_", "").toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Jackson's own UTF-8 reader accepts overlong forms (0xC0 0xAF reads as '/'), the classic way
     * past a check on the decoded text; the JDK's decoder refuses them with every other malformed input.
     */
    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new RejectedMessageException("not-json", "the message body is not valid UTF-8: " + e.getMessage());
        }
    }

    private static byte[] bytesOf(Object body) {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }
}

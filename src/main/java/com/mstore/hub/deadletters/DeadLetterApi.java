package com.mstore.hub.deadletters;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.json.InboundJson;
import com.mstore.hub.flows.Flows;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import com.mstore.hub.brokers.ReplayMarks;
import com.mstore.hub.security.ApiAuthentication;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter API under {@code /api/dead-letters} (hub/dead-letters.camel.yaml): each method
 * answers one request, writing its status code and JSON body on the exchange.
 */
public class DeadLetterApi {

    private static final Logger LOG = LoggerFactory.getLogger("com.mstore.hub.dead-letter");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;
    /** A replay request is a small JSON object; its body is at most a stored body's size. */
    private static final int REQUEST_OVERHEAD_BYTES = 4096;

    private final CamelContext context;
    private final DeadLetterStore store;
    private final DeadLetterReplay replay;
    private final DeadLetterMetrics metrics;
    private final int listBodyChars;
    private final int maxBodyBytes;
    private final Clock clock;

    public DeadLetterApi(CamelContext context, DeadLetterStore store, DeadLetterReplay replay, DeadLetterMetrics metrics,
                         int listBodyChars, int maxBodyBytes, Clock clock) {
        this.context = context;
        this.store = store;
        this.replay = replay;
        this.metrics = metrics;
        this.listBodyChars = listBodyChars;
        this.maxBodyBytes = maxBodyBytes;
        this.clock = clock;
    }

    /** GET /api/dead-letters/summary */
    public void summary(Exchange exchange) {
        List<Map<String, Object>> flows = new ArrayList<>();
        for (String flow : Flows.names(context)) {
            DeadLetterStore.Summary summary = store.summary(flow);
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("flow", summary.flow());
            item.put("count", summary.count());
            item.put("reasons", summary.reasons());
            item.put("dropped", summary.dropped());
            flows.add(item);
        }
        reply(exchange, 200, flows);
    }

    /** GET /api/dead-letters?flow=&reason=&limit=&cursor= */
    public void list(Exchange exchange) {
        Message in = exchange.getMessage();
        String flowName = blankToNull(in.getHeader("flow", String.class));
        List<String> flows = Flows.names(context);
        if (flowName != null) {
            if (!flows.contains(flowName)) {
                error(exchange, 400, "unknown-flow", "no flow named '" + flowName + "'; the flows are " + flows);
                return;
            }
            flows = List.of(flowName);
        }
        int limit;
        try {
            String text = blankToNull(in.getHeader("limit", String.class));
            limit = text == null ? DEFAULT_LIMIT : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            error(exchange, 400, "invalid-limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
            return;
        }
        DeadLetterStore.Page page;
        try {
            page = store.list(flows, blankToNull(in.getHeader("reason", String.class)), limit,
                    blankToNull(in.getHeader("cursor", String.class)));
        } catch (IllegalArgumentException e) {
            error(exchange, 400, "invalid-cursor", e.getMessage());
            return;
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("items", page.items().stream().map(letter -> item(letter, listBodyChars)).toList());
        result.put("next", page.next());
        reply(exchange, 200, result);
    }

    /** GET /api/dead-letters/{id} */
    public void get(Exchange exchange) {
        Optional<DeadLetter> letter = store.find(exchange.getMessage().getHeader("id", String.class));
        if (letter.isEmpty()) {
            notFound(exchange);
            return;
        }
        Map<String, Object> item = item(letter.get(), Integer.MAX_VALUE);
        item.put("replayHistory", letter.get().replays());
        reply(exchange, 200, item);
    }

    /** POST /api/dead-letters/{id}/replay, optionally with {"body": "..."} (fix and replay) */
    public void replay(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        Optional<DeadLetter> found = store.find(id);
        if (found.isEmpty()) {
            notFound(exchange);
            return;
        }
        DeadLetter letter = found.get();
        byte[] request = exchange.getMessage().getBody(byte[].class);
        byte[] body = letter.body();
        boolean changed = false;
        if (request != null && request.length > 0) {
            if (request.length > maxBodyBytes + REQUEST_OVERHEAD_BYTES) {
                error(exchange, 400, "body-too-large", "a replay request is at most " + (maxBodyBytes + REQUEST_OVERHEAD_BYTES) + " bytes");
                return;
            }
            JsonNode given;
            try {
                given = InboundJson.strictReader().readTree(request);
            } catch (java.io.IOException e) {
                error(exchange, 400, "not-json", "the request is not a JSON object: " + e.getMessage().lines().findFirst().orElse(""));
                return;
            }
            if (given == null || !given.isObject() || (given.has("body") && !given.get("body").isTextual())
                    || given.size() > (given.has("body") ? 1 : 0)) {
                error(exchange, 400, "invalid-request", "the request is {} or {\"body\": \"<the message to publish, as text>\"}");
                return;
            }
            if (given.has("body")) {
                body = given.get("body").textValue().getBytes(StandardCharsets.UTF_8);
                changed = !Arrays.equals(body, letter.body()) || letter.bodyCut();
            }
        }
        if (!changed && letter.bodyCut()) {
            error(exchange, 400, "body-incomplete", "only the first " + letter.body().length
                    + " bytes of this message were kept: replay it with a body");
            return;
        }
        if (replay.describe(letter).isEmpty()) {
            error(exchange, 400, "no-source", "this dead letter does not say where it was received: " + letter.source());
            return;
        }
        String by = keyId(exchange);
        String replayedTo;
        try {
            replayedTo = replay.replay(letter, body, new ReplayMarks(id, by, changed));
        } catch (DeadLetterReplay.SourceUnavailableException e) {
            LOG.warn("Replay of dead letter {} by {} refused, the dead letter is kept: {}", id, by, e.getMessage());
            error(exchange, 503, "source-unavailable", e.getMessage());
            return;
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("at", clock.instant().toString());
        record.put("by", by);
        record.put("bodyChanged", changed);
        record.put("replayedTo", replayedTo);
        long replays = store.recordReplay(id, record);
        metrics.replayed(letter.flow());
        LOG.info("Replayed dead letter {} ({}) to {}{}, by {}", id, letter.reason(), replayedTo, changed ? " with a changed body" : "", by);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("id", id);
        result.put("replayedTo", replayedTo);
        result.put("bodyChanged", changed);
        result.put("replays", Math.max(replays, 0));
        reply(exchange, 202, result);
    }

    /** The id of the API key the request came with (set by the API's guard); "anonymous" where no key is asked for (dev mode). */
    private static String keyId(Exchange exchange) {
        String id = exchange.getMessage().getHeader(ApiAuthentication.KEY_ID, String.class);
        return id == null ? "anonymous" : id;
    }

    /** DELETE /api/dead-letters/{id} */
    public void discard(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        Optional<DeadLetter> letter = store.find(id);
        if (letter.isEmpty() || !store.discard(id)) {
            notFound(exchange);
            return;
        }
        metrics.discarded(letter.get().flow());
        LOG.info("Discarded dead letter {} ({}), by {}", id, letter.get().reason(), keyId(exchange));
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        exchange.getMessage().setBody(null);
    }

    private Map<String, Object> item(DeadLetter letter, int bodyChars) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("id", letter.id());
        item.put("flow", letter.flow());
        item.put("broker", letter.broker());
        item.put("reason", letter.reason());
        item.put("message", letter.message());
        item.put("errorType", letter.errorType());
        item.put("source", letter.source());
        item.put("failedAt", letter.failedAt());
        item.put("traceId", letter.traceId());
        String text = utf8(letter.body());
        boolean valid = text != null;
        if (!valid) {
            text = new String(letter.body(), StandardCharsets.UTF_8);
        }
        boolean cut = text.length() > bodyChars;
        item.put("body", cut ? text.substring(0, bodyChars) : text);
        item.put("bodyTruncated", cut || letter.bodyCut() || letter.body().length < letter.bodyBytes());
        if (!valid && !cut) {
            // not UTF-8: the text above is lossy, these are the bytes as received
            item.put("bodyBase64", DeadLetterStore.base64(letter.body()));
        }
        item.put("replays", letter.replays().size());
        item.put("replayedTo", replay.describe(letter).orElse(null));
        return item;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void notFound(Exchange exchange) {
        error(exchange, 404, "not-found", "no dead letter " + exchange.getMessage().getHeader("id", String.class));
    }

    private static void error(Exchange exchange, int status, String reason, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", reason);
        body.put("message", message);
        reply(exchange, status, body);
    }

    private static void reply(Exchange exchange, int status, Object body) {
        try {
            exchange.getMessage().setBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write the reply as JSON", e);
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.trim();
    }
}

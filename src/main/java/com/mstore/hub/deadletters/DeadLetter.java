package com.mstore.hub.deadletters;

import java.util.List;
import java.util.Map;

/**
 * One kept dead letter: the message as it was received and why and where it failed.
 *
 * @param id       {@code {flow}.{stream entry id}}, unique across flows and ordered by time within one
 * @param flow     the flow it failed in (the route group of the route that received it)
 * @param broker   the kind of broker it was received from (kafka, nats, rabbitmq, mqtt, redis)
 * @param errorType the exception's class (and its root cause's), for developers; {@code message} says it in words
 * @param source   where it was received, in the broker's words (topic, partition, offset and key;
 *                 subject; queue; MQTT topic; Redis channel): where a replay publishes it again
 * @param body     the bytes received (the first part of them in a listing, or when {@code bodyCut})
 * @param bodyBytes how many bytes of the body the store keeps (more than {@code body} holds in a listing)
 * @param bodyCut  the store (or the flow's own dead-letter target) kept only the first part of the body
 * @param replays  each replay so far: when, whether the body was changed, where it was published
 */
public record DeadLetter(String id, String flow, String broker, String reason, String message, String errorType, Map<String, Object> source,
                         String failedAt, String traceId, byte[] body, long bodyBytes, boolean bodyCut,
                         List<Map<String, Object>> replays) {

    /** What a flow's failure gives the store; it assigns the id and keeps the replays. */
    public record New(String flow, String broker, String reason, String message, String errorType, Map<String, Object> source,
                      String failedAt, String traceId, byte[] body, boolean bodyCut) {
    }
}

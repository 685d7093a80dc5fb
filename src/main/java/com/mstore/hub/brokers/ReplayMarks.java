package com.mstore.hub.brokers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a replayed message carries, where its broker carries headers: the dead letter it replays,
 * the id of the API key that replayed it, and whether its body was changed from the one received.
 * A flow that keeps a record of what it handled (the audit log) keeps these with it.
 */
public record ReplayMarks(String deadLetterId, String by, boolean bodyChanged) {

    public static final String REPLAY_OF = "mstore-replay-of";
    public static final String REPLAYED_BY = "mstore-replayed-by";
    public static final String BODY_CHANGED = "mstore-replay-body-changed";

    /** As message headers. */
    public Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(REPLAY_OF, deadLetterId);
        headers.put(REPLAYED_BY, by);
        headers.put(BODY_CHANGED, String.valueOf(bodyChanged));
        return headers;
    }

    /** The marks a received message's headers carry; null when it is no replay. */
    public static ReplayMarks of(java.util.function.Function<String, String> header) {
        String of = header.apply(REPLAY_OF);
        if (of == null) {
            return null;
        }
        return new ReplayMarks(of, header.apply(REPLAYED_BY), Boolean.parseBoolean(header.apply(BODY_CHANGED)));
    }
}

package com.mstore.hub.bench;

import java.util.Map;

/**
 * One flow as the benchmark drives it: the same messages sent once to the hub's route and once to
 * a plain client doing the same broker work, each message marked done where its work ends.
 */
interface Flow extends AutoCloseable {

    String name();

    /** What the plain client does, and what of the hub's work it leaves out. */
    String baseline();

    /** Settings that give the hub's side names of this run's own. */
    Map<String, String> hubSettings();

    /** The hub route whose completed exchange marks a message done; null when the sender sees the end itself. */
    String hubRoute();

    /** Starts the plain client's side, marking each message done in the recorder. */
    AutoCloseable startBaseline(Recorder recorder) throws Exception;

    /** Sends every message of the recorder to the hub's side or the baseline's, at most at this rate (0: no limit). */
    void send(Recorder recorder, boolean toHub, int perSecond) throws Exception;

    @Override
    default void close() throws Exception {
    }
}

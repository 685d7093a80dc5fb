package com.mstore.hub.bench;

import java.util.Map;

/**
 * One flow as the benchmark drives it: the same messages sent once to the hub's route and once to
 * each plain client doing the same broker work, each message marked done where its work ends.
 */
interface Flow extends AutoCloseable {

    /** The side that goes through the hub; every other side is a plain client (a baseline). */
    String HUB = "hub";
    /** The baseline every flow has: its physical limit, the plain client with the same guarantee. */
    String RAW = "raw";

    String name();

    /**
     * The plain clients this flow is measured against, by side name, with what each does and leaves
     * out of the hub's work. The first, {@link #RAW}, is the flow's physical limit.
     */
    Map<String, String> baselines();

    /** Settings that give the hub's side names of this run's own. */
    Map<String, String> hubSettings();

    /** The hub route whose completed exchange marks a message done; null when the sender sees the end itself. */
    String hubRoute();

    /** Starts one plain client's side, marking each message done in the recorder. */
    AutoCloseable startBaseline(String baseline, Recorder recorder) throws Exception;

    /** Sends every message of the recorder to one side (the hub or a baseline), at most at this rate (0: no limit). */
    void send(Recorder recorder, String side, int perSecond) throws Exception;

    /** Prepares the hub for this flow's passes (a flow that shares a route with another may stop it). */
    default void beforeHubPasses(org.apache.camel.CamelContext hub) throws Exception {
    }

    @Override
    default void close() throws Exception {
    }
}

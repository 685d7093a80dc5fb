package com.mstore.hub.brokers;

import java.time.Duration;

import com.mstore.hub.config.Settings;

/**
 * One connection the hub depends on: which broker, the setting that holds its address, and a
 * check that connects to it with that broker's own client.
 */
public record BrokerProbe(String broker, String setting, String displayAddress, Check check) {

    @FunctionalInterface
    public interface Check {
        /** Returns normally when the broker answered within the timeout; throws why not otherwise. */
        void run(Duration timeout) throws Exception;
    }

    /** The sentence an operator reads when the broker does not answer. */
    public String unreachableMessage(Throwable cause) {
        return broker + " is not reachable at " + displayAddress + " (setting " + setting + ", env "
                + Settings.environmentVariableFor(setting) + "): " + rootMessage(cause);
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}

package com.mstore.hub.testing;

import java.util.Map;

import com.mstore.hub.local.LocalBrokers;

/**
 * The brokers the whole test run shares: a server already answering at a standard port is used
 * (tests isolate themselves with unique names), the rest are started on free ports once per JVM
 * and stopped when it exits.
 */
public final class TestBrokers {

    private static LocalBrokers brokers;

    private TestBrokers() {
    }

    public static synchronized LocalBrokers get() {
        if (brokers == null) {
            brokers = LocalBrokers.reuseOrStartOnFreePorts(LocalBrokers.PortPlan.standard());
            Runtime.getRuntime().addShutdownHook(new Thread(brokers::close, "test-brokers-stop"));
        }
        return brokers;
    }

    public static Map<String, String> hubSettings() {
        return get().hubSettings();
    }
}

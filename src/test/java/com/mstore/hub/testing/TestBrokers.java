package com.mstore.hub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import com.mstore.hub.local.LocalBrokers;

/**
 * The brokers the whole test run shares: a server already answering at a standard port is used
 * (tests isolate themselves with unique names), the rest are started on free ports once per JVM
 * and stopped when it exits.
 */
public final class TestBrokers {

    /**
     * Every topic, subject, queue, consumer group, share group and channel a flow names in
     * application.properties: the flows' settings whose name ends so. Left out are the names with a
     * wildcard, whose shape the contract fixes and the hub reads (devices/+/status,
     * user:*:notifications); tests keep apart on those by device and user ids of their own.
     */
    static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("mstore\\.[a-z-]+\\.[a-z-]*(topic|subject|queue|dlq|group|channel)");

    static List<String> names(Properties settings) {
        return settings.stringPropertyNames().stream().sorted()
                .filter(key -> NAME.matcher(key).matches() && !key.startsWith("mstore.dead-letters."))
                .filter(key -> !settings.getProperty(key).contains("*") && !settings.getProperty(key).contains("+"))
                .toList();
    }

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

    /**
     * The shared brokers' addresses, and each of {@link #names} as application.properties has it with
     * a suffix of this map's own: the hubs started with one map (a fleet, a hub and its restart) share
     * their names, hubs of two maps share none. Read a name back from the map to publish or consume
     * where the hub does.
     */
    public static Map<String, String> hubSettings() {
        return withOwnNames(get().hubSettings());
    }

    /** These settings (brokers of a test's own, say) and each of {@link #names} with a suffix of their own. */
    public static Map<String, String> withOwnNames(Map<String, String> brokerSettings) {
        Map<String, String> settings = new LinkedHashMap<>(brokerSettings);
        String suffix = "-t" + UUID.randomUUID().toString().substring(0, 8);
        Properties defaults = applicationProperties();
        for (String name : names(defaults)) {
            settings.put(name, defaults.getProperty(name).trim() + suffix);
        }
        return settings;
    }

    private static Properties applicationProperties() {
        try (InputStream in = TestBrokers.class.getClassLoader().getResourceAsStream("application.properties")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

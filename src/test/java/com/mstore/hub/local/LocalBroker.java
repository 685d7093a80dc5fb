package com.mstore.hub.local;

/** A broker or server for dev mode and tests: either found already running, or started here. */
public interface LocalBroker extends AutoCloseable {

    /** What CONTRACTS.md calls it: Kafka, NATS, RabbitMQ, MQTT, Redis, SMTP. */
    String name();

    int port();

    /** True when this harness started it, and so will stop it. */
    boolean startedHere();

    /** Stops the broker if this harness started it; a broker found running is left alone. */
    @Override
    void close();
}

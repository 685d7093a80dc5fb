package com.mstore.hub.deadletters;

import java.util.Arrays;
import java.util.Optional;

/**
 * The flows whose dead letters the hub keeps, and the kind of broker each one's messages come from
 * (which says where a dead letter's source is read from and how it is published again). A flow's
 * routes name it as their route group ({@code group: emails}), so a failure is filed under it.
 */
public enum DeadLetterFlow {
    TRANSACTIONS("transactions", Broker.KAFKA),
    ORDERS("orders", Broker.NATS),
    EMAILS("emails", Broker.RABBITMQ),
    DEVICES("devices", Broker.MQTT),
    CACHE_INVALIDATION("cache-invalidation", Broker.REDIS),
    NOTIFICATIONS("notifications", Broker.REDIS);

    public enum Broker { KAFKA, NATS, RABBITMQ, MQTT, REDIS }

    private final String id;
    private final Broker broker;

    DeadLetterFlow(String id, Broker broker) {
        this.id = id;
        this.broker = broker;
    }

    /** The flow's name in the API, in metrics and in Redis keys. */
    public String id() {
        return id;
    }

    public Broker broker() {
        return broker;
    }

    public static Optional<DeadLetterFlow> named(String id) {
        return Arrays.stream(values()).filter(flow -> flow.id.equals(id)).findFirst();
    }
}

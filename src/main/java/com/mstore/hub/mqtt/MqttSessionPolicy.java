package com.mstore.hub.mqtt;

import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Disconnects a route's MQTT session when the route stops or is suspended (reload, shutdown): a
 * consumer given its client (see CallbackFirstMqttClient) would leave it connected, receiving into
 * a stopped route.
 */
public class MqttSessionPolicy extends RoutePolicySupport {

    private final CallbackFirstMqttClient client;

    public MqttSessionPolicy(CallbackFirstMqttClient client) {
        this.client = client;
    }

    @Override
    public void onStop(Route route) {
        client.pause();
    }

    @Override
    public void onSuspend(Route route) {
        client.pause();
    }
}

package com.mstore.hub.mqtt;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.RoutePolicySupport;

/**
 * What becomes of a route's persistent MQTT session (see CallbackFirstMqttClient) when the route
 * stops. While the hub goes on (a reload), it disconnects: the session keeps what arrives meanwhile
 * for the route's next start. When the hub stops, it leaves: it unsubscribes as the hub begins to
 * stop (a shared subscription's group then sends everything to the rest of the fleet), the statuses
 * it holds are processed and acknowledged as Camel drains, and the session is then ended on the
 * broker, so none is queued where no one will read it.
 */
public class MqttSessionPolicy extends RoutePolicySupport {

    private final CallbackFirstMqttClient client;
    private final boolean leaveOnStop;
    private final AtomicBoolean leaving = new AtomicBoolean();

    public MqttSessionPolicy(CallbackFirstMqttClient client, boolean leaveOnStop) {
        this.client = client;
        this.leaveOnStop = leaveOnStop;
    }

    @Override
    public void onInit(Route route) {
        if (!leaveOnStop) {
            return;
        }
        String topicFilter = ((PahoMqtt5Endpoint) route.getEndpoint()).getTopic();
        CamelContext context = route.getCamelContext();
        if (leaving.compareAndSet(false, true)) {
            context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
                @Override
                public boolean isEnabled(CamelEvent event) {
                    return event instanceof CamelEvent.CamelContextStoppingEvent;
                }

                @Override
                public void notify(CamelEvent event) {
                    client.unsubscribeFrom(topicFilter);
                }
            });
        }
    }

    @Override
    public void onStop(Route route) {
        if (leaveOnStop && route.getCamelContext().isStopping()) {
            client.end();
        } else {
            client.pause();
        }
    }

    @Override
    public void onSuspend(Route route) {
        client.pause();
    }
}

package com.mstore.hub.mqtt;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.paho.mqtt5.PahoMqtt5Endpoint;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a route's persistent MQTT session (see CallbackFirstMqttClient) when the route
 * stops, and when one of its messages fails. While the hub goes on (a reload), it disconnects: the
 * session keeps what arrives meanwhile for the route's next start. When the hub stops, it leaves: it
 * unsubscribes as the hub begins to stop (a shared subscription's group then sends everything to the
 * rest of the fleet), the messages it holds are processed and acknowledged as Camel drains, and the
 * session is then ended on the broker, so none is queued where no one will read it.
 *
 * <p>A message whose exchange failed even after dead-lettering (the dead-letter publish failed) is
 * not acknowledged, and MQTT has no way to refuse one: the broker sends it again only to the
 * session's next connection, and until then it holds one of the session's receive-maximum slots
 * (enough of them stop the flow). So the session reconnects after such a failure, after a pause that
 * doubles while failures go on, and readiness ({@code <flow>-session}) is DOWN while the session is
 * disconnected or holds failed messages.
 */
public class MqttSessionPolicy extends RoutePolicySupport {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSessionPolicy.class);
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

    private final CallbackFirstMqttClient client;
    private final boolean leaveOnStop;
    private final AtomicBoolean initialized = new AtomicBoolean();
    private final AtomicInteger failedUnacknowledged = new AtomicInteger();
    private final AtomicBoolean reconnectPlanned = new AtomicBoolean();
    private volatile Duration pause = FIRST_PAUSE;
    private volatile ScheduledExecutorService reconnects;

    public MqttSessionPolicy(CallbackFirstMqttClient client, boolean leaveOnStop) {
        this.client = client;
        this.leaveOnStop = leaveOnStop;
    }

    @Override
    public void onInit(Route route) {
        if (!initialized.compareAndSet(false, true)) {
            return;
        }
        CamelContext context = route.getCamelContext();
        reconnects = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "mqtt-session-" + client.getClientId());
        HealthCheckRegistry.get(context).register(new SessionCheck(route.getGroup() == null ? route.getRouteId() : route.getGroup()));
        if (leaveOnStop) {
            String topicFilter = ((PahoMqtt5Endpoint) route.getEndpoint()).getTopic();
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
    public void onExchangeDone(Route route, Exchange exchange) {
        if (exchange.getException() == null) {
            if (failedUnacknowledged.get() == 0) {
                pause = FIRST_PAUSE;
            }
            return;
        }
        int held = failedUnacknowledged.incrementAndGet();
        if (reconnectPlanned.compareAndSet(false, true)) {
            LOG.warn("MQTT session {}: a message failed even to be dead-lettered ({}) and stays unacknowledged ({} so far): "
                    + "reconnecting in {} ms, so that the broker sends it again", client.getClientId(),
                    exchange.getException().getMessage(), held, pause.toMillis());
            planReconnect();
        }
    }

    private void planReconnect() {
        Duration wait = pause;
        pause = wait.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : wait.multipliedBy(2);
        reconnects.schedule(() -> {
            if (client.reconnectForRedelivery()) {
                failedUnacknowledged.set(0);
                reconnectPlanned.set(false);
            } else {
                planReconnect();
            }
        }, wait.toMillis(), TimeUnit.MILLISECONDS);
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

    /** Readiness of the session: connected, and holding no failed message. */
    private final class SessionCheck extends AbstractHealthCheck {
        SessionCheck(String flow) {
            super("mstore", flow + "-session");
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            builder.detail("clientId", client.getClientId());
            int failed = failedUnacknowledged.get();
            builder.detail("failedUnacknowledged", failed);
            if (!client.isConnected() && !client.isPaused()) {
                builder.message("MQTT session " + client.getClientId() + " is not connected: the broker keeps its messages meanwhile");
                builder.down();
            } else if (failed > 0) {
                builder.message("MQTT session " + client.getClientId() + " holds " + failed
                        + " message(s) that failed even to be dead-lettered: it reconnects to have them sent again");
                builder.down();
            } else {
                builder.up();
            }
        }
    }
}

package com.mstore.hub.bench;

import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Marks a message done in the current recorder when the hub's route for it completes. The message
 * number is read from the body when the exchange is created (the route may replace the body later).
 */
final class HubCompletions extends EventNotifierSupport {

    private static final String NUMBER = "benchMessage";

    private volatile String route;
    private volatile Recorder recorder;

    void watch(String route, Recorder recorder) {
        this.recorder = recorder;
        this.route = route;
    }

    @Override
    public void notify(CamelEvent event) {
        Recorder current = recorder;
        if (current == null || !(event instanceof CamelEvent.ExchangeEvent exchangeEvent)) {
            return;
        }
        Exchange exchange = exchangeEvent.getExchange();
        if (route == null || !route.equals(exchange.getFromRouteId())) {
            return;
        }
        if (event instanceof CamelEvent.ExchangeCreatedEvent) {
            exchange.setProperty(NUMBER, current.marker().find(exchange.getMessage().getBody(String.class)));
        } else if (event instanceof CamelEvent.ExchangeCompletedEvent) {
            Integer number = exchange.getProperty(NUMBER, Integer.class);
            if (number != null) {
                current.done(number);
            }
        }
    }
}

package com.mstore.hub.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;

/**
 * Marks messages done in the current recorder when the hub's route for them completes. The message
 * numbers are read from the body when the exchange is created (the route may replace the body later);
 * a batching consumer's exchange carries a list of records, each with its own number.
 */
final class HubCompletions extends EventNotifierSupport {

    private static final String NUMBERS = "benchMessages";

    private volatile String route;
    private volatile Recorder recorder;

    /** Only the two events used: Camel would otherwise create one for each step of each message, on the hub's CPU. */
    HubCompletions() {
        setIgnoreCamelContextEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeFailedEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeSentEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

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
            Object body = exchange.getMessage().getBody();
            int[] numbers;
            if (body instanceof List<?> records) {
                numbers = records.stream().mapToInt(record -> current.marker().find(text(((Exchange) record).getMessage().getBody()))).toArray();
            } else {
                numbers = new int[] {current.marker().find(exchange.getMessage().getBody(String.class))};
            }
            exchange.setProperty(NUMBERS, numbers);
        } else if (event instanceof CamelEvent.ExchangeCompletedEvent) {
            int[] numbers = exchange.getProperty(NUMBERS, int[].class);
            if (numbers != null) {
                for (int number : numbers) {
                    current.done(number);
                }
            }
        }
    }

    private static String text(Object body) {
        return body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(body);
    }
}

import com.mstore.hub.emails.EmailJob;
import com.mstore.hub.errors.RejectedMessageException;
import com.mstore.hub.orders.OrderEvent;
import com.mstore.hub.orders.OrderReplies;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeTimedOutException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Flow 2 (CONTRACTS.md section 2): orders over NATS.
 *  - the order read model: orders.created, orders.updated and inventory.reserved keep the latest
 *    state of each order in Redis (mstore:order:{orderId}); an older event never overwrites a newer one;
 *  - the order.get service (queue group order-service): the order, "Order not found" or "Invalid request";
 *  - the HTTP gateway GET /api/orders/{orderId}: asks order.get and answers 200, 404, 504 or 503.
 * Bad events go to subject orders.dlq with the reason in NATS headers (orders-dead-letter).
 */
public class Orders extends RouteBuilder {

    /** Every NATS endpoint reconnects as the settings say (application.properties, mstore.nats.*). */
    private static final String RECONNECT =
            "maxReconnectAttempts={{mstore.nats.max-reconnect-attempts}}&reconnectTimeWait={{mstore.nats.reconnect-wait-ms}}";

    @Override
    public void configure() {
        orderReadModel();
        orderGetService();
        httpGateway();
    }

    private void orderReadModel() {
        from("nats:{{mstore.orders.created-subject}}?queueName={{mstore.orders.events-queue-group}}&" + RECONNECT)
                .routeId("orders-created")
                .routeGroup("orders")
                .routeConfigurationId("mstore-error-handling")
                .to("direct:apply-order-event")
                .filter(simple("${exchangeProperty.orderEvent.hasCustomerEmail()}"))
                    .setBody(method(EmailJob.class,
                            "orderConfirmation(${exchangeProperty.orderEvent.orderId}, ${exchangeProperty.orderEvent.customerEmail})"))
                    .to("direct:enqueue-email-job")
                .end();

        from("nats:{{mstore.orders.updated-subject}}?queueName={{mstore.orders.events-queue-group}}&" + RECONNECT)
                .routeId("orders-updated")
                .routeGroup("orders")
                .routeConfigurationId("mstore-error-handling")
                .to("direct:apply-order-event");

        from("direct:apply-order-event")
                .routeId("apply-order-event")
                .routeGroup("orders")
                .routeConfigurationId("mstore-error-handling")
                // the repository stores each field as the exact JSON text it came as
                .to(inboundJson("order", "{{mstore.orders.max-payload-bytes}}", "text"))
                .setProperty("orderEvent", method(OrderEvent.class, "fromJson"))
                .bean("orderRepository", "applyOrderEvent")
                .log("Order ${exchangeProperty.orderEvent.orderId} is now ${body}");

        from("nats:{{mstore.orders.reserved-subject}}?queueName={{mstore.orders.events-queue-group}}&" + RECONNECT)
                .routeId("inventory-reserved")
                .routeGroup("orders")
                .routeConfigurationId("mstore-error-handling")
                .to(inboundJson("inventory-reservation", "{{mstore.orders.max-payload-bytes}}", "text"))
                .bean("orderRepository", "applyReservation")
                .log("Stock reserved: order is now ${body}");

        // the flow's dead letters
        from("direct:orders-dead-letter")
                .routeId("orders-dead-letter")
                .routeGroup("orders")
                .to("kamelet:mstore-nats-dead-letter-sink?subject={{mstore.orders.dlq-subject}}");
    }

    /**
     * Every request gets exactly one reply, whatever goes wrong. Answered by
     * mstore.orders.request-subscribers routes (order-get-1, order-get-2, ...), each its own queue
     * group subscription: camel-nats answers on its dispatcher's one thread, one request after another.
     */
    private void orderGetService() {
        int subscribers = Integer.parseInt(getContext().resolvePropertyPlaceholders("{{mstore.orders.request-subscribers}}"));
        for (int subscriber = 1; subscriber <= subscribers; subscriber++) {
            from("nats:{{mstore.orders.request-subject}}?queueName={{mstore.orders.request-queue-group}}&exchangePattern=InOut&" + RECONNECT)
                    .routeId("order-get-" + subscriber)
                    .routeGroup("orders")
                    .doTry()
                        // an invalid request is answered below, never dead-lettered
                        .to(inboundJson("order-request", "{{mstore.orders.max-request-bytes}}", "tree"))
                        .bean("orderRepository", "answer")
                    .doCatch(RejectedMessageException.class)
                        .setBody(constant(OrderReplies.invalidRequest()))
                    .doCatch(Exception.class)
                        .log(LoggingLevel.ERROR, "order.get could not be answered: ${exception.message}")
                        .setBody(constant(OrderReplies.unavailable()))
                    .end();
        }
    }

    /** The shared intake step (kamelets/mstore-inbound-json-action.kamelet.yaml). */
    private static String inboundJson(String schema, String maxBytes, String bodyAs) {
        return "kamelet:mstore-inbound-json-action?schema=" + schema + "&maxBytes=" + maxBytes + "&bodyAs=" + bodyAs;
    }

    private void httpGateway() {
        rest("/api")
                .get("/orders/{orderId}").produces("application/json").to("direct:order-http-get");

        from("direct:order-http-get")
                .routeId("order-http-gateway")
                .routeGroup("orders")
                .setBody(method(OrderReplies.class, "request(${header.orderId})"))
                .removeHeaders("*")
                .doTry()
                    // lazy: the hub starts, and this answers 503, while NATS is unreachable
                    .to("nats:{{mstore.orders.request-subject}}?requestTimeout={{mstore.orders.request-timeout-ms}}&exchangePattern=InOut&lazyStartProducer=true&" + RECONNECT)
                    .convertBodyTo(String.class)
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, method(OrderReplies.class, "httpStatus"))
                .doCatch(ExchangeTimedOutException.class)
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(504))
                    .setBody(constant("{\"error\":\"The order service did not answer in time\"}"))
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "GET /api/orders: order.get unavailable: ${exception.message}")
                    .setHeader(Exchange.HTTP_RESPONSE_CODE, constant(503))
                    .setBody(constant(OrderReplies.unavailable()))
                .end()
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json"));
    }
}

package com.mstore.hub.rabbitmq;

import java.net.URI;
import java.net.URISyntaxException;

import com.mstore.hub.config.InvalidSettingException;
import com.mstore.hub.config.Redaction;
import com.mstore.hub.tls.BrokerTrust;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.Ordered;
import org.apache.camel.PropertyInject;
import org.springframework.amqp.rabbit.config.RetryInterceptorBuilder;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.retry.ImmediateRequeueMessageRecoverer;
import org.springframework.retry.interceptor.RetryOperationsInterceptor;

/**
 * RabbitMQ (mstore.rabbitmq.*): Spring AMQP's connection factory for camel-spring-rabbitmq and the
 * hub's own publisher, what its consumers do with a failed message, and the broker's type.
 */
@Configuration
public class RabbitConnections implements CamelConfiguration, Ordered {

    /** Wired after the trust and before what uses the connections (a bean that closes them when the hub stops is not made lazily). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST + 1;
    }

    @PropertyInject("mstore.rabbitmq.addresses")
    private String rabbitAddresses;

    /** Publisher confirms and returns on, so an enqueue the broker did not accept, or no queue took, is an error, not a loss. */
    @PropertyInject("mstore.rabbitmq.confirm-timeout-ms")
    private long confirmTimeoutMs;

    @BindToRegistry(value = "rabbitConnectionFactory", destroyMethod = "destroy")
    public CachingConnectionFactory rabbitConnectionFactory(BrokerTrust brokerTrust) {
        URI uri = rabbitUri(rabbitAddresses);
        CachingConnectionFactory factory = new CachingConnectionFactory(rabbitClientFactory(uri, brokerTrust));
        if (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")) {
            // Go's amqp091 client (the backend's) reads a bare "/" path as the default vhost "/";
            // the Java client would read it as the empty vhost, which does not exist.
            factory.setVirtualHost("/");
        }
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        // a mandatory message no queue took comes back (RabbitPublisher reports it)
        factory.setPublisherReturns(true);
        factory.setConnectionTimeout(5000);
        factory.setConnectionNameStrategy(f -> "mstore-event-hub");
        return factory;
    }

    /** Mandatory, confirmed publishes, on a connection apart from the consumers' (see RabbitPublisher). */
    @BindToRegistry("rabbitPublisher")
    public RabbitPublisher rabbitPublisher(CachingConnectionFactory rabbitConnectionFactory) {
        return new RabbitPublisher(rabbitConnectionFactory, java.time.Duration.ofMillis(confirmTimeoutMs));
    }

    @BindToRegistry("rabbitBroker")
    public RabbitBroker rabbitBroker(RabbitPublisher rabbitPublisher, CachingConnectionFactory rabbitConnectionFactory) {
        return new RabbitBroker(rabbitPublisher, rabbitConnectionFactory, rabbitAddresses);
    }

    /**
     * The Java client reads an amqps:// URI as "TLS, trusting any certificate": here the URI gives
     * the address and user, and TLS checks the certificate against BrokerTrust and the host name.
     */
    private com.rabbitmq.client.ConnectionFactory rabbitClientFactory(URI uri, BrokerTrust brokerTrust) {
        com.rabbitmq.client.ConnectionFactory client = new com.rabbitmq.client.ConnectionFactory();
        // Spring AMQP recovers connections itself, and switches the client's own recovery off with a
        // warning at every start when it is on (the client's default)
        client.setAutomaticRecoveryEnabled(false);
        boolean tls = "amqps".equals(uri.getScheme());
        try {
            client.setUri(tls ? "amqp" + uri.toString().substring("amqps".length()) : uri.toString());
        } catch (URISyntaxException e) {
            throw InvalidSettingException.notAUri("mstore.rabbitmq.addresses", rabbitAddresses, e);
        } catch (java.security.GeneralSecurityException e) {
            throw new InvalidSettingException("mstore.rabbitmq.addresses", Redaction.uri(rabbitAddresses), "is not a valid AMQP URI", e);
        }
        if (tls) {
            if (uri.getPort() == -1) {
                client.setPort(5671);
            }
            client.useSslProtocol(brokerTrust.sslContext());
            client.enableHostnameVerification();
        }
        return client;
    }

    /**
     * What a RabbitMQ consumer does with a message whose route failed even after the flow's own
     * redelivery and dead-lettering (say, the hub is shutting down mid-job): put it back on the
     * queue. camel-spring-rabbitmq's default would acknowledge it, or reject it without requeue,
     * and a queue without a dead-letter exchange would then lose it.
     */
    @BindToRegistry("requeueOnFailure")
    public RetryOperationsInterceptor requeueOnFailure() {
        return RetryInterceptorBuilder.stateless()
                .maxAttempts(1)
                .recoverer(new ImmediateRequeueMessageRecoverer())
                .build();
    }

    static URI rabbitUri(String addresses) {
        try {
            URI uri = new URI(addresses.trim());
            if (!"amqp".equals(uri.getScheme()) && !"amqps".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new InvalidSettingException("mstore.rabbitmq.addresses", Redaction.uri(addresses),
                        "is not an amqp:// or amqps:// URI with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw InvalidSettingException.notAUri("mstore.rabbitmq.addresses", addresses, e);
        }
    }
}

package com.mstore.hub.nats;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.Ordered;
import org.apache.camel.PropertyInject;

/** NATS (mstore.nats.*): the component takes its servers, user and TLS from the server URLs. */
@Configuration
public class NatsConnections implements CamelConfiguration, Ordered {

    /** Wired after the trust and before what uses the connections (a bean that closes them when the hub stops is not made lazily). */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST + 1;
    }

    @PropertyInject("mstore.nats.servers")
    private String servers;

    @BindToRegistry("natsBroker")
    public NatsBroker natsBroker(CamelContext context) {
        return new NatsBroker(context, servers.trim());
    }
}

package com.mstore.hub.tls;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.Ordered;
import org.apache.camel.PropertyInject;

/**
 * What every TLS connection of the hub trusts (mstore.tls.ca-file): the broker packages take it as
 * the bean brokerTrust (docs/operations.md, "Credentials and TLS").
 */
@Configuration
public class TlsConfiguration implements CamelConfiguration, Ordered {

    /** Wired first: every broker's connections take the trust. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST;
    }

    @PropertyInject(value = "mstore.tls.ca-file", defaultValue = "")
    private String caFile;

    /** Built before any connection, and installed as the JVM default (see BrokerTrust). */
    @BindToRegistry("brokerTrust")
    public BrokerTrust brokerTrust() {
        BrokerTrust trust = BrokerTrust.of(caFile);
        trust.installAsJvmDefault();
        return trust;
    }
}

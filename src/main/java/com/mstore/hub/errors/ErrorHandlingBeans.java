package com.mstore.hub.errors;

import com.mstore.hub.metrics.RedeliveryCounter;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;

/** What the shared error handling (hub/error-handling.camel.yaml) calls by name. */
@Configuration
public class ErrorHandlingBeans implements CamelConfiguration {

    @BindToRegistry("failureHeaders")
    public FailureHeaders failureHeaders() {
        return new FailureHeaders();
    }

    @BindToRegistry("redeliveryCounter")
    public RedeliveryCounter redeliveryCounter() {
        return new RedeliveryCounter();
    }
}

package com.mstore.hub.console;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;

/** The console page the hub's own route serves (hub/dead-letters.camel.yaml). */
@Configuration
public class ConsoleBeans implements CamelConfiguration {

    @BindToRegistry("consolePage")
    public ConsolePage consolePage() {
        return new ConsolePage();
    }
}

package com.mstore.hub.json;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import com.mstore.hub.runtime.FileReloading;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.util.TimeUtils;

/** The payload schemas every intake step reads (mstore.schemas.directory) and the clock event times are checked against. */
@Configuration
public class JsonBeans implements CamelConfiguration {

    @PropertyInject("mstore.schemas.directory")
    private String schemasDirectory;

    /** How far ahead of this hub's clock an event's time may be (see Timestamps). */
    @PropertyInject("mstore.events.max-clock-skew")
    private String maxClockSkew;

    private PayloadSchemas schemas;

    @BindToRegistry("payloadSchemas")
    public synchronized PayloadSchemas payloadSchemas() {
        if (schemas == null) {
            schemas = new PayloadSchemas(Path.of(schemasDirectory));
        }
        return schemas;
    }

    @BindToRegistry("eventTimestamps")
    public Timestamps eventTimestamps() {
        return new Timestamps(Clock.systemUTC(), Duration.ofMillis(TimeUtils.toMilliSeconds(maxClockSkew)));
    }

    @Override
    public void configure(CamelContext context) {
        FileReloading.watch(context, payloadSchemas().directory(), PayloadSchemas.SUFFIX, "schema", payloadSchemas()::reload);
    }
}

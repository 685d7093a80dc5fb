package com.mstore.hub.runtime;

import java.nio.file.Path;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;

/**
 * Kamelet files reload whenever route files do: each file: directory of
 * camel.component.kamelet.location is watched, and an edited kamelet is put into the running hub by
 * {@link KameletReload}.
 */
@Configuration
public class KameletReloading implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) {
        String location = context.resolvePropertyPlaceholders(
                context.getPropertiesComponent().resolveProperty("camel.component.kamelet.location").orElse(""));
        KameletReload kamelets = new KameletReload(context);
        for (String place : location.split(",")) {
            if (place.trim().startsWith("file:")) {
                FileReloading.watch(context, Path.of(place.trim().substring("file:".length())), KameletReload.SUFFIX, "kamelet",
                        kamelets::reload);
            }
        }
    }
}

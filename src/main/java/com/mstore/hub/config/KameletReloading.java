package com.mstore.hub.config;

import java.io.File;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.support.FileWatcherResourceReloadStrategy;
import org.apache.camel.support.RouteWatcherReloadStrategy;

/**
 * Kamelet files reload whenever route files do (make run turns it on; so can a pod,
 * CAMEL_MAIN_ROUTESRELOADENABLED=true): each file: directory of camel.component.kamelet.location is
 * watched, and an edited kamelet is put into the running hub by {@link KameletReload}.
 */
@Configuration
public class KameletReloading implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        AtomicBoolean installed = new AtomicBoolean();
        context.addStartupListener((started, alreadyStarted) -> {
            // called again for every route started later (the supervising route controller starts
            // them in the background): installed once; camel-main adds its route watcher only when
            // route reloading is on
            if (started.hasService(RouteWatcherReloadStrategy.class) != null && installed.compareAndSet(false, true)) {
                String location = started.getPropertiesComponent().resolveProperty("camel.component.kamelet.location").orElse("");
                for (String place : location.split(",")) {
                    if (place.trim().startsWith("file:") && new File(place.trim().substring("file:".length())).isDirectory()) {
                        FileWatcherResourceReloadStrategy watcher = new FileWatcherResourceReloadStrategy(place.trim().substring("file:".length()));
                        watcher.setFileFilter(file -> file.getName().endsWith(KameletReload.SUFFIX));
                        watcher.setResourceReload(new KameletReload(started));
                        started.addService(watcher, true, true);
                    }
                }
            }
        });
    }
}

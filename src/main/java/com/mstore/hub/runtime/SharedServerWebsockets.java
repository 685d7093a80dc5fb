package com.mstore.hub.runtime;

import java.util.Set;

import io.vertx.ext.web.Router;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.Configuration;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.vertx.websocket.VertxWebsocketComponent;
import org.apache.camel.component.vertx.websocket.VertxWebsocketComponentConfigurer;
import org.apache.camel.component.vertx.websocket.VertxWebsocketEndpointConfigurer;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHost;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHostConfiguration;
import org.apache.camel.component.vertx.websocket.VertxWebsocketHostKey;
import org.apache.camel.spi.PropertyConfigurer;

/**
 * Serves vertx-websocket consumers on the hub's own HTTP server (platform-http, port
 * mstore.http.port) next to the REST API and /observe, as camel-quarkus does on Quarkus' server.
 * Out of the box the component would start a second Vert.x server on the same port and fail to bind.
 */
@Configuration
public class SharedServerWebsockets implements CamelConfiguration {

    @BindToRegistry("vertx-websocket")
    public VertxWebsocketComponent vertxWebsocket() {
        return new VertxWebsocketComponent() {
            // a subclass does not inherit the name its generated option configurers are found by
            @Override
            public PropertyConfigurer getComponentPropertyConfigurer() {
                return new VertxWebsocketComponentConfigurer();
            }

            @Override
            public PropertyConfigurer getEndpointPropertyConfigurer() {
                return new VertxWebsocketEndpointConfigurer();
            }

            @Override
            protected VertxWebsocketHost createVertxWebsocketHost(VertxWebsocketHostConfiguration configuration,
                                                                  VertxWebsocketHostKey key) {
                Router platformRouter = platformRouter();
                VertxWebsocketHostConfiguration shared = new VertxWebsocketHostConfiguration(configuration.getVertx(),
                        platformRouter, configuration.getServerOptions(), configuration.getSslContextParameters());
                return new VertxWebsocketHost(getCamelContext(), shared, key) {
                    @Override
                    public void start() {
                        // the platform-http server already listens on this port
                    }

                    @Override
                    public void stop() {
                        // and stops with the hub
                    }

                    // the base class learns its port when its own server binds; here it is the hub's
                    @Override
                    public int getPort() {
                        return key.getPort();
                    }

                    @Override
                    public boolean isManagedPort(int port) {
                        return port == key.getPort();
                    }

                    // the one server answers on every address it binds (0.0.0.0, localhost, 127.0.0.1...)
                    @Override
                    public boolean isManagedHost(String host) {
                        return true;
                    }
                };
            }

            private Router platformRouter() {
                Set<VertxPlatformHttpRouter> routers = getCamelContext().getRegistry().findByType(VertxPlatformHttpRouter.class);
                if (routers.isEmpty()) {
                    throw new IllegalStateException("WebSockets need the hub's HTTP server (camel.server.enabled=true)");
                }
                return routers.iterator().next();
            }
        };
    }
}

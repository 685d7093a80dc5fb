package com.mstore.hub.security;

import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;

/**
 * The API takes JSON only: a request to /api/ that sends a body of any other type (or of no stated
 * type) is refused with 415 before any route sees it, so it can have no effect. Without this a
 * form body (what {@code curl -d} sends) is taken apart into headers before a route runs, and a
 * replay fell back to the dead letter's original body.
 */
@Configuration
public class JsonRequests implements CamelConfiguration {

    private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

    @Override
    public void configure(CamelContext context) throws Exception {
        AtomicBoolean installed = new AtomicBoolean();
        context.addStartupListener((started, alreadyStarted) -> {
            var routers = started.getRegistry().findByType(VertxPlatformHttpRouter.class);
            if (routers.isEmpty() || !installed.compareAndSet(false, true)) {
                return;
            }
            Router router = routers.iterator().next();
            // after the API key check, before every route
            router.route().order(Integer.MIN_VALUE + 1).handler(routing -> {
                HttpServerRequest request = routing.request();
                if (ApiAuthentication.canonical(request.path()).startsWith("/api/") && WITH_BODY.contains(request.method())
                        && sendsBody(request) && !isJson(request.getHeader("Content-Type"))) {
                    routing.response().setStatusCode(415).putHeader("Content-Type", "application/json")
                            .end("{\"error\": \"unsupported-media-type\", \"message\": \"the API takes JSON: send the body with"
                                    + " Content-Type: application/json\"}");
                } else {
                    routing.next();
                }
            });
        });
    }

    private static boolean sendsBody(HttpServerRequest request) {
        String length = request.getHeader("Content-Length");
        return request.getHeader("Transfer-Encoding") != null || (length != null && !length.trim().equals("0"));
    }

    static boolean isJson(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(Locale.ROOT).matches("application/json\\s*(;.*)?");
    }
}

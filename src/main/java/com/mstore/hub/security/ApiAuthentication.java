package com.mstore.hub.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the HTTP API ({@code /api/*}) and the WebSockets ({@code /ws/*}): a service call must carry
 * one of {@code mstore.http.api-keys} as {@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}; a user's notification socket ({@code /ws/users/{userId}/notifications})
 * opens only with that user's signed token ({@link UserTokens}), as {@code Authorization: Bearer
 * <token>} or, for browsers, which cannot set headers on a WebSocket, {@code ?access_token=<token>}.
 * Anything else gets 401. Health and metrics ({@code /observe/*}) stay open for probes and scrapers.
 *
 * <p>Required by default; with no key configured every API call is refused (and the hub says so at
 * start) rather than left open. Dev mode turns it off. Written as a Vert.x handler on the hub's one
 * HTTP router because it must also cover the WebSocket upgrade, which no Camel route sees.
 */
@Configuration
public class ApiAuthentication implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger("com.mstore.hub.security");
    private static final List<String> GUARDED = List.of("/api/", "/ws/");
    /** The name of the router's route that guards the API, installed once. */
    public static final String GUARD = "mstore-api-authentication";

    @PropertyInject("mstore.http.auth-required")
    private boolean required;

    @PropertyInject(value = "mstore.http.api-keys", defaultValue = "")
    private String apiKeys;

    @PropertyInject(value = "mstore.http.user-token-secret", defaultValue = "")
    private String userTokenSecret;

    @PropertyInject("mstore.http.user-token-leeway-seconds")
    private long userTokenLeewaySeconds;

    @Override
    public void configure(CamelContext context) throws Exception {
        if (!required) {
            LOG.warn("HTTP API authentication is off (mstore.http.auth-required=false)");
            return;
        }
        Set<String> keys = Set.copyOf(Arrays.stream(apiKeys.split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList());
        if (keys.isEmpty()) {
            LOG.warn("No API key configured (mstore.http.api-keys, env MSTORE_HTTP_API_KEYS): every /api request is refused (notification sockets take user tokens)");
        }
        if (!userTokenSecret.isBlank() && userTokenSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new com.mstore.hub.config.InvalidSettingException("mstore.http.user-token-secret", null,
                    "is shorter than 32 bytes (an HMAC-SHA256 key needs 256 bits)");
        }
        UserTokens tokens = new UserTokens(userTokenSecret, userTokenLeewaySeconds);
        if (!tokens.configured()) {
            LOG.warn("No user token secret configured (mstore.http.user-token-secret, env MSTORE_HTTP_USER_TOKEN_SECRET): "
                    + "every notification WebSocket is refused");
        }
        // the router exists once the hub has started; until then readiness is DOWN, so Kubernetes
        // sends no traffic (and the order puts this handler before every route's). Installed once:
        // the listener is called again for every route started later (supervised routes, reloads).
        AtomicBoolean installed = new AtomicBoolean();
        context.addStartupListener(new StartupListener() {
            @Override
            public void onCamelContextStarting(CamelContext starting, boolean alreadyStarted) {
                // the HTTP server and its router do not exist yet
            }

            @Override
            public void onCamelContextStarted(CamelContext started, boolean alreadyStarted) {
                Router router = router(context);
                if (router == null || !installed.compareAndSet(false, true)) {
                    return; // no HTTP server (camel.server.enabled=false): nothing is served to guard
                }
                router.route().order(Integer.MIN_VALUE).setName(GUARD).handler(routing -> {
                    String path = canonical(routing.request().path());
                    if (guarded(path) && !authorized(routing.request(), path, keys, tokens)) {
                        LOG.warn("Refused unauthenticated {} {} from {}", routing.request().method(),
                                routing.normalizedPath(), routing.request().remoteAddress());
                        routing.response().setStatusCode(401)
                                .putHeader("WWW-Authenticate", "Bearer")
                                .putHeader("Content-Type", "application/json")
                                .end("{\"error\": \"Unauthorized\"}");
                    } else {
                        routing.next();
                    }
                });
            }
        });
    }

    private static Router router(CamelContext context) {
        Set<VertxPlatformHttpRouter> routers = context.getRegistry().findByType(VertxPlatformHttpRouter.class);
        return routers.isEmpty() ? null : routers.iterator().next();
    }

    /**
     * The path as the decision is made on it, whatever form the router would still serve: decoded,
     * lower case, each run of slashes one slash, no trailing slash, and no dot segments. A path whose
     * form cannot be read is guarded as an API path.
     */
    static String canonical(String rawPath) {
        String path;
        try {
            path = URLDecoder.decode(rawPath == null ? "" : rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return "/api/malformed";
        }
        path = path.toLowerCase(Locale.ROOT).replaceAll("/+", "/").replaceAll("(^|/)\\.{1,2}(?=/|$)", "/").replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static boolean guarded(String path) {
        return GUARDED.stream().anyMatch(prefix -> path.startsWith(prefix) || path.equals(prefix.substring(0, prefix.length() - 1)));
    }

    /**
     * A user's socket opens with that user's token; any other path under /ws/ opens for nobody (the
     * only sockets are the users'); a path under /api/ with an API key.
     */
    static boolean authorized(HttpServerRequest request, String path, Set<String> keys, UserTokens tokens) {
        String bearer = bearer(request);
        if (path.startsWith("/ws/") || path.equals("/ws")) {
            var user = UserTokens.userOf(path);
            return user.isPresent() && tokens.admits(bearer != null ? bearer : request.getParam("access_token"), user.get());
        }
        String presented = request.getHeader("X-API-Key");
        if (presented == null) {
            presented = bearer;
        }
        if (presented == null) {
            return false;
        }
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        // constant-time comparison: response timing does not reveal how much of a key matched
        return keys.stream().anyMatch(key -> MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), candidate));
    }

    private static String bearer(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return null;
    }
}

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
 * Anything else gets 401. A key of {@code mstore.http.read-only-api-keys} reads (GET, HEAD) and
 * nothing else (403). Each API request carries, to the route that serves it, the id of the key it
 * came with ({@link #KEY_ID}: a fingerprint that names the key in logs and records without giving it
 * away). Health and metrics ({@code /observe/*}) stay open for probes and scrapers.
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
    /** The request header that tells the API's routes which key the request came with (set here, never by the caller). */
    public static final String KEY_ID = "X-Mstore-Key-Id";
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    /** An accepted API key: its id, and whether it may only read. */
    record Access(String keyId, boolean readOnly) {
    }

    @PropertyInject("mstore.http.auth-required")
    private boolean required;

    @PropertyInject(value = "mstore.http.api-keys", defaultValue = "")
    private String apiKeys;

    @PropertyInject(value = "mstore.http.read-only-api-keys", defaultValue = "")
    private String readOnlyApiKeys;

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
        Set<String> keys = keys(apiKeys);
        Set<String> readOnlyKeys = keys(readOnlyApiKeys);
        if (keys.isEmpty() && readOnlyKeys.isEmpty()) {
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
                    HttpServerRequest request = routing.request();
                    request.headers().remove(KEY_ID);
                    String path = canonical(request.path());
                    if (!guarded(path)) {
                        routing.next();
                        return;
                    }
                    if (path.startsWith("/ws/") || path.equals("/ws")) {
                        if (socketAuthorized(request, path, tokens)) {
                            routing.next();
                        } else {
                            refuse(routing, 401, "Unauthorized");
                        }
                        return;
                    }
                    Access access = apiAccess(request, keys, readOnlyKeys);
                    if (access == null) {
                        refuse(routing, 401, "Unauthorized");
                    } else if (access.readOnly() && !READS.contains(request.method().name())) {
                        LOG.warn("Refused {} {} from {}: key {} may only read", request.method(), routing.normalizedPath(),
                                request.remoteAddress(), access.keyId());
                        routing.response().setStatusCode(403).putHeader("Content-Type", "application/json")
                                .end("{\"error\": \"Forbidden\", \"message\": \"this API key may only read (mstore.http.read-only-api-keys)\"}");
                    } else {
                        request.headers().set(KEY_ID, access.keyId());
                        routing.next();
                    }
                });
            }
        });
    }

    private static void refuse(io.vertx.ext.web.RoutingContext routing, int status, String error) {
        LOG.warn("Refused unauthenticated {} {} from {}", routing.request().method(), routing.normalizedPath(),
                routing.request().remoteAddress());
        routing.response().setStatusCode(status)
                .putHeader("WWW-Authenticate", "Bearer")
                .putHeader("Content-Type", "application/json")
                .end("{\"error\": \"" + error + "\"}");
    }

    private static Set<String> keys(String setting) {
        return Set.copyOf(Arrays.stream(setting.split(",")).map(String::trim).filter(k -> !k.isEmpty()).toList());
    }

    /** What names a key in logs and records: the first 12 hex digits of its SHA-256 ({@code printf %s "$KEY" | sha256sum | cut -c1-12}). */
    public static String keyId(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "key-" + java.util.HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
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
     * only sockets are the users').
     */
    static boolean socketAuthorized(HttpServerRequest request, String path, UserTokens tokens) {
        String bearer = bearer(request);
        var user = UserTokens.userOf(path);
        return user.isPresent() && tokens.admits(bearer != null ? bearer : request.getParam("access_token"), user.get());
    }

    /** The access an API request's key gives; null without a known key. */
    static Access apiAccess(HttpServerRequest request, Set<String> keys, Set<String> readOnlyKeys) {
        String presented = request.getHeader("X-API-Key");
        if (presented == null) {
            presented = bearer(request);
        }
        if (presented == null) {
            return null;
        }
        if (matches(keys, presented)) {
            return new Access(keyId(presented), false);
        }
        if (matches(readOnlyKeys, presented)) {
            return new Access(keyId(presented), true);
        }
        return null;
    }

    /** Constant-time comparison: response timing does not reveal how much of a key matched. */
    private static boolean matches(Set<String> keys, String presented) {
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        boolean found = false;
        for (String key : keys) {
            found |= MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), candidate);
        }
        return found;
    }

    private static String bearer(HttpServerRequest request) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return null;
    }
}

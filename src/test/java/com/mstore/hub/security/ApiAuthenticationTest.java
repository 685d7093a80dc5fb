package com.mstore.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import com.mstore.hub.testing.WebSocketClient;
import org.junit.jupiter.api.Test;

/**
 * /api/* needs an API key by default, a user's notification socket that user's token; probes and
 * scrapers at /observe/* need nothing.
 */
class ApiAuthenticationTest {

    private static final String DEVICE = "/api/devices/POS-NOBODY";

    @Test
    void theApiAndWebSocketsNeedAKeyAndObserveDoesNot() {
        try (RunningHub hub = RunningHub.start(Map.of())) {
            assertThat(hub.send(request(hub, DEVICE).build()).statusCode()).isEqualTo(401);
            assertThat(hub.send(request(hub, DEVICE).header("Authorization", "Bearer wrong-key").build()).statusCode())
                    .isEqualTo(401);
            assertThat(hub.send(request(hub, "/api/orders/ORD-1").header("X-API-Key", "test-api-ke").build()).statusCode())
                    .isEqualTo(401);
            assertThat(hub.send(request(hub, "/api/devices/POS-NOBODY/commands")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"command\": \"reboot\"}")).build()).statusCode()).isEqualTo(401);

            assertThat(hub.send(request(hub, DEVICE).header("Authorization", "Bearer " + RunningHub.TEST_API_KEY).build())
                    .statusCode()).isEqualTo(404);
            assertThat(hub.send(request(hub, DEVICE).header("X-API-Key", RunningHub.TEST_API_KEY).build()).statusCode())
                    .isEqualTo(404);
            assertThat(hub.send(request(hub, "/observe/health/ready").build()).statusCode()).isEqualTo(200);
            assertThat(hub.send(request(hub, "/observe/metrics").build()).statusCode()).isEqualTo(200);

            String socket = "ws://localhost:" + hub.httpPort() + "/ws/users/9/notifications";
            assertThatThrownBy(() -> new WebSocketClient(socket, null).close()).hasStackTraceContaining("status code 401");
            assertThatThrownBy(() -> new WebSocketClient(socket, "wrong-key").close()).hasStackTraceContaining("status code 401");
            new WebSocketClient(socket, RunningHub.userToken("9")).close();
        }
    }

    /**
     * A user's socket opens with that user's token only: not another user's, not an expired or
     * forged one, and not a service API key, which would open every user's.
     */
    @Test
    void userNinesTokenOpensUserNinesSocketAndNoOtherUsers() {
        try (RunningHub hub = RunningHub.start(Map.of())) {
            String nine = "ws://localhost:" + hub.httpPort() + "/ws/users/9/notifications";
            String ten = "ws://localhost:" + hub.httpPort() + "/ws/users/10/notifications";
            String tokenOfNine = RunningHub.userToken("9");
            new WebSocketClient(nine, tokenOfNine).close();
            new WebSocketClient(nine + "?access_token=" + tokenOfNine, null).close();
            assertThatThrownBy(() -> new WebSocketClient(ten, tokenOfNine).close()).hasStackTraceContaining("status code 401");
            assertThatThrownBy(() -> new WebSocketClient(ten + "?access_token=" + tokenOfNine, null).close())
                    .hasStackTraceContaining("status code 401");
            assertThatThrownBy(() -> new WebSocketClient(nine, RunningHub.TEST_API_KEY).close())
                    .hasStackTraceContaining("status code 401");

            String expired = JWT.create().withSubject("9").withAudience(UserTokens.AUDIENCE)
                    .withExpiresAt(Instant.now().minusSeconds(120)).sign(Algorithm.HMAC256(RunningHub.TEST_USER_TOKEN_SECRET));
            assertThatThrownBy(() -> new WebSocketClient(nine, expired).close()).hasStackTraceContaining("status code 401");
            String forged = JWT.create().withSubject("9").withAudience(UserTokens.AUDIENCE)
                    .withExpiresAt(Instant.now().plusSeconds(300)).sign(Algorithm.HMAC256("another-secret-of-at-least-32-bytes!!"));
            assertThatThrownBy(() -> new WebSocketClient(nine, forged).close()).hasStackTraceContaining("status code 401");
            String forever = JWT.create().withSubject("9").withAudience(UserTokens.AUDIENCE)
                    .sign(Algorithm.HMAC256(RunningHub.TEST_USER_TOKEN_SECRET));
            assertThatThrownBy(() -> new WebSocketClient(nine, forever).close()).hasStackTraceContaining("status code 401");
            String unsigned = JWT.create().withSubject("9").withAudience(UserTokens.AUDIENCE)
                    .withExpiresAt(Instant.now().plusSeconds(300)).sign(Algorithm.none());
            assertThatThrownBy(() -> new WebSocketClient(nine, unsigned).close()).hasStackTraceContaining("status code 401");
        }
    }

    /**
     * Every form of a path the router still serves is judged as the path itself: an API key opens no
     * user's socket, and a user's token no other user's, however the path is written.
     */
    @Test
    void noFormOfAUsersSocketPathOpensItWithoutThatUsersToken() {
        try (RunningHub hub = RunningHub.start(Map.of())) {
            String base = "ws://localhost:" + hub.httpPort();
            String tokenOfNine = RunningHub.userToken("9");
            for (String form : java.util.List.of("/ws/users/10/notifications/", "//ws/users/10/notifications", "/ws//users/10/notifications",
                    "/ws/users//10/notifications", "/ws/users/10/notifications//", "/WS/users/10/notifications", "/ws/USERS/10/Notifications",
                    "/ws/users/10/notifications/.", "/ws/users/%31%30/notifications", "/ws/users/10/%6Eotifications", "/%77s/users/10/notifications",
                    "/ws/users/10/notifications%2F", "/ws/users/9/../10/notifications")) {
                assertThatThrownBy(() -> new WebSocketClient(base + form, RunningHub.TEST_API_KEY).close()).as(form + " with an API key")
                        .hasStackTraceContaining("status code 401");
                assertThatThrownBy(() -> new WebSocketClient(base + form, tokenOfNine).close()).as(form + " with user 9's token")
                        .hasStackTraceContaining("status code 401");
            }
            // the router serves the trailing-slash form: it opens with that user's own token
            new WebSocketClient(base + "/ws/users/10/notifications/", RunningHub.userToken("10")).close();
            for (String form : java.util.List.of("/api/devices/POS-NOBODY/", "//api/devices/POS-NOBODY", "/API/devices/POS-NOBODY",
                    "/%61pi/devices/POS-NOBODY", "/api")) {
                assertThat(hub.send(request(hub, form).build()).statusCode()).as(form).isEqualTo(401);
            }
            // installed once, however many routes started after the HTTP server
            var routers = hub.context().getRegistry().findByType(org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter.class);
            assertThat(routers.iterator().next().getRoutes().stream().filter(route -> ApiAuthentication.GUARD.equals(route.getName())))
                    .hasSize(1);
        }
    }

    /** A read-only key reads (the console's lists, a device) and is refused anything that changes something. */
    @Test
    void aReadOnlyKeyReadsAndIsRefusedEverythingElse() {
        try (RunningHub hub = RunningHub.start(Map.of("mstore.http.read-only-api-keys", "viewer-key"))) {
            assertThat(hub.send(request(hub, DEVICE).header("X-API-Key", "viewer-key").build()).statusCode()).isEqualTo(404);
            assertThat(hub.send(request(hub, "/api/dead-letters/summary").header("X-API-Key", "viewer-key").build()).statusCode())
                    .isEqualTo(200);
            var command = hub.send(request(hub, "/api/devices/POS-NOBODY/commands").header("X-API-Key", "viewer-key")
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"command\": \"reboot\"}")).build());
            assertThat(command.statusCode()).isEqualTo(403);
            assertThat(command.body()).contains("may only read");
            assertThat(hub.send(request(hub, "/api/dead-letters/transactions.1-0").header("Authorization", "Bearer viewer-key")
                    .DELETE().build()).statusCode()).isEqualTo(403);
            // a full key may
            assertThat(hub.send(request(hub, "/api/dead-letters/transactions.1-0").header("Authorization", "Bearer " + RunningHub.TEST_API_KEY)
                    .DELETE().build()).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void withoutAnyConfiguredKeyEveryApiCallIsRefusedAndSwitchedOffNoneIs() {
        try (RunningHub hub = RunningHub.start(Map.of("mstore.http.api-keys", ""))) {
            assertThat(hub.get(DEVICE).statusCode()).isEqualTo(401);
        }
        try (RunningHub hub = RunningHub.start(Map.of("mstore.http.auth-required", "false"))) {
            assertThat(hub.send(request(hub, DEVICE).build()).statusCode()).isEqualTo(404);
        }
    }

    private static HttpRequest.Builder request(RunningHub hub, String path) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + hub.httpPort() + path));
    }
}

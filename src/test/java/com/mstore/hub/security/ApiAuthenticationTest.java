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

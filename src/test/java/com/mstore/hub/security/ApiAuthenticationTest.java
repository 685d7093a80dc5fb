package com.mstore.hub.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Map;

import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import com.mstore.hub.testing.WebSocketClient;
import org.junit.jupiter.api.Test;

/** /api/* and /ws/* need an API key by default; probes and scrapers at /observe/* do not. */
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
            new WebSocketClient(socket, RunningHub.TEST_API_KEY).close();
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

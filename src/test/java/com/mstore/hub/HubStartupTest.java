package com.mstore.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.junit.jupiter.api.Test;

class HubStartupTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bootsWithTheRealConfigurationAndReportsEveryBrokerConnectionUp() throws Exception {
        try (RunningHub hub = RunningHub.start(Map.of())) {
            // all UP: the status alone, short enough to read
            HttpResponse<String> brief = hub.get("/observe/health");
            assertThat(brief.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(brief.body()).get("status").asText()).isEqualTo("UP");
            assertThat(JSON.readTree(brief.body()).has("checks")).as(brief.body()).isFalse();
            HttpResponse<String> health = hub.get("/observe/health?exposureLevel=full");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
            JsonNode checks = JSON.readTree(health.body()).get("checks");
            for (String broker : new String[] {"kafka", "nats", "rabbitmq", "mqtt", "redis", "smtp"}) {
                JsonNode check = find(checks, "broker-" + broker);
                assertThat(check).as("health check for %s in %s", broker, health.body()).isNotNull();
                assertThat(check.get("status").asText()).as(broker).isEqualTo("UP");
            }
            assertThat(hub.get("/observe/health/ready").statusCode()).isEqualTo(200);
            assertThat(hub.get("/observe/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void anUnreachableBrokerStopsStartupWithAnErrorNamingTheSetting() {
        int nothingListens = com.mstore.hub.testing.FreePorts.one();
        Map<String, String> settings = new java.util.HashMap<>(TestBrokers.hubSettings());
        settings.put("mstore.kafka.brokers", "localhost:" + nothingListens);
        settings.put("mstore.startup.broker-timeout-ms", "1500");
        assertThatThrownBy(() -> RunningHub.startWith(settings))
                .hasStackTraceContaining("Kafka is not reachable at localhost:" + nothingListens)
                .hasStackTraceContaining("mstore.kafka.brokers")
                .hasStackTraceContaining("MSTORE_KAFKA_BROKERS");
    }

    @Test
    void aMalformedAddressStopsStartupWithAnErrorNamingTheSetting() {
        Map<String, String> settings = new java.util.HashMap<>(TestBrokers.hubSettings());
        settings.put("mstore.nats.servers", "localhost 4222");
        assertThatThrownBy(() -> RunningHub.startWith(settings))
                .hasStackTraceContaining("setting mstore.nats.servers (env MSTORE_NATS_SERVERS) = 'localhost 4222'");
    }

    @Test
    void aMalformedPortStopsStartupWithAnErrorNamingTheSetting() {
        Map<String, String> settings = new java.util.HashMap<>(TestBrokers.hubSettings());
        settings.put("mstore.redis.port", "six-three-seven-nine");
        assertThatThrownBy(() -> RunningHub.startWith(settings))
                .hasStackTraceContaining("setting mstore.redis.port (env MSTORE_REDIS_PORT)");
    }

    private static JsonNode find(JsonNode checks, String id) {
        for (JsonNode check : checks) {
            if (id.equals(check.path("name").asText()) || id.equals(check.path("id").asText())) {
                return check;
            }
        }
        return null;
    }
}

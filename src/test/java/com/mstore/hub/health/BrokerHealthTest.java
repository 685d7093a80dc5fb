package com.mstore.hub.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.mstore.hub.testing.CountingProxy;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.junit.jupiter.api.Test;

/** /observe/health answers from the scheduled probes: a flood of health requests reaches no broker. */
class BrokerHealthTest {

    @Test
    void fiveHundredConcurrentHealthRequestsOpenNoBrokerConnection() throws Exception {
        Map<String, String> settings = TestBrokers.hubSettings();
        try (CountingProxy nats = new CountingProxy(URI.create(settings.get("mstore.nats.servers")).getPort());
             CountingProxy mqtt = new CountingProxy(URI.create(settings.get("mstore.mqtt.server-uri")).getPort());
             CountingProxy smtp = new CountingProxy(Integer.parseInt(settings.get("mstore.smtp.port")))) {
            settings.put("mstore.nats.servers", "nats://localhost:" + nats.port());
            settings.put("mstore.mqtt.server-uri", "tcp://localhost:" + mqtt.port());
            settings.put("mstore.smtp.port", String.valueOf(smtp.port()));
            settings.put("mstore.health.probe-interval-ms", "600000");
            try (RunningHub hub = RunningHub.startWith(settings)) {
                assertThat(hub.get("/observe/health?exposureLevel=full").body()).contains("broker-nats").contains("broker-mqtt").contains("broker-smtp");
                int[] before = {nats.connections(), mqtt.connections(), smtp.connections()};
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
                List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    answers.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + hub.httpPort() + "/observe/health"))
                            .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> answer : answers) {
                    assertThat(answer.get().statusCode()).isEqualTo(200);
                }
                assertThat(new int[] {nats.connections(), mqtt.connections(), smtp.connections()})
                        .as("connections opened through NATS, MQTT and SMTP").containsExactly(before);
            }
        }
    }
}

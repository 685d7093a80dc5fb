package com.mstore.hub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.testing.TestBrokers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * make bench in miniature, so it never rots: every flow goes through the hub and through its plain
 * client, and the results files hold both sides of each. It asserts that the benchmark works, not
 * how fast anything is (speed is for make bench to report).
 */
class BenchmarkSmokeTest {

    @Test
    void theBenchmarkMeasuresEveryFlowOnBothSidesAndWritesItsResults(@TempDir Path out) throws Exception {
        Benchmark.run(Benchmark.Options.parse("--smoke", "--out", out.toString()), TestBrokers.hubSettings());

        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertThat(results.path("flows")).extracting(flow -> flow.path("flow").asText()).containsExactly(
                "transactions (Kafka)", "transactions to receipts (Kafka, RabbitMQ)", "order.get (NATS request-reply)", "email jobs (RabbitMQ, SMTP)",
                "device status (MQTT 5, QoS 1)", "cache invalidation (Redis pub/sub)");
        for (JsonNode flow : results.path("flows")) {
            for (String side : new String[] {"hub", "raw"}) {
                assertThat(flow.path(side)).as("%s, %s side", flow.path("flow").asText(), side).hasSize(1);
                JsonNode measured = flow.path(side).get(0);
                assertThat(measured.path("messagesPerSecond").asDouble()).isPositive();
                assertThat(measured.path("p99Millis").asDouble()).isGreaterThanOrEqualTo(measured.path("p50Millis").asDouble());
            }
            assertThat(flow.path("throughputRatios")).hasSize(1);
        }
        JsonNode hubProcess = results.path("hubProcess");
        assertThat(hubProcess.path("startToReadyMillis").asLong()).isPositive();
        assertThat(hubProcess.path("idleRssMegabytes").asLong()).isPositive();
        assertThat(hubProcess.path("loadedRssMegabytes").asLong()).isGreaterThanOrEqualTo(hubProcess.path("idleRssMegabytes").asLong());
        assertThat(Files.readString(out.resolve("results.md"))).contains("| transactions (Kafka) | hub |", "hub/raw throughput");
    }
}

package com.mstore.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.mstore.hub.testing.HubProcess;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.TestBrokers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The hub as a real process (the production main class, configured by MSTORE_* variables) gets a
 * SIGTERM under load: it stops taking messages, finishes what is in flight, exits 0, and a new
 * process carries on with nothing lost or doubled.
 */
class GracefulShutdownTest {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Test
    void aSigtermUnderLoadDrainsAndExitsZeroAndTheNextProcessLosesAndDoublesNothing() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> settings = TestBrokers.hubSettings();
        settings.put("mstore.emails.worker-enabled", "false");
        settings.put("mstore.instance-id", "sigterm-" + run);
        settings.put("mstore.devices.session-expiry-seconds", "30");
        int count = 400;
        try (KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"))) {
            for (int i = 0; i < count; i++) {
                String code = "TRX-%s-%04d".formatted(run, i);
                kafka.send(settings.get("mstore.transactions.topic"), code, "{\"transactionCode\": \"%s\", \"branchId\": 1, \"grandTotal\": %d}".formatted(code, i));
            }
            Path firstLog = Files.createTempFile("hub-sigterm-", ".log");
            // the production logging configuration, in its JSON form
            Process first = startHub(settings, firstLog, "-Dlogback.configurationFile=src/main/resources/logback.xml", "json");
            await().atMost(Duration.ofSeconds(60)).until(() -> kafka.readAll(settings.get("mstore.transactions.audit-topic")).size() >= 20);
            long sigterm = System.nanoTime();
            first.destroy(); // SIGTERM
            assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("exited within the drain timeout").isTrue();
            Duration shutdown = Duration.ofNanos(System.nanoTime() - sigterm);
            // Kubernetes kills a pod that has not exited by then, whatever it was still doing
            Duration grace = Duration.ofSeconds(terminationGracePeriodSeconds());
            assertThat(shutdown).as("SIGTERM to exit, under load").isLessThan(grace.minusSeconds(5));
            assertThat(first.exitValue()).as(Files.readString(firstLog)).isZero();
            assertThat(Files.readString(firstLog)).contains("is shutting down");
            assertEveryLineIsAJsonLogEvent(firstLog);

            Path secondLog = Files.createTempFile("hub-sigterm-", ".log");
            Process second = startHub(settings, secondLog, "-Dlogback.configurationFile=src/main/resources/logback.xml", "text");
            try {
                await().atMost(Duration.ofSeconds(120))
                        .until(() -> kafka.caughtUp(settings.get("mstore.transactions.consumer-group"), settings.get("mstore.transactions.topic")));
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
            List<ConsumerRecord<String, String>> audit = kafka.readAll(settings.get("mstore.transactions.audit-topic"));
            Map<String, Long> perCode = audit.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
            assertThat(perCode).hasSize(count);
            assertThat(perCode.values()).allMatch(n -> n == 1);
        }
    }

    /** One JSON object per line, each with a level and a message, and the audit route's MDC on its lines. */
    private static void assertEveryLineIsAJsonLogEvent(Path log) throws Exception {
        List<String> lines = Files.readAllLines(log).stream().filter(line -> !line.isBlank()).toList();
        assertThat(lines).isNotEmpty();
        boolean routeInMdc = false;
        for (String line : lines) {
            var event = JSON.readTree(line);
            assertThat(event.path("level").asText()).as(line).isNotBlank();
            assertThat(event.has("message")).as(line).isTrue();
            routeInMdc |= event.path("mdc").path("camel.routeId").asText().equals("transactions-audit");
        }
        assertThat(routeInMdc).as("a log line from the audit route carries its route id").isTrue();
    }

    private static int terminationGracePeriodSeconds() throws Exception {
        var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
        return yaml.readTree(Path.of("docker/k8s/statefulset.yaml").toFile())
                .path("spec").path("template").path("spec").path("terminationGracePeriodSeconds").asInt();
    }

    private static Process startHub(Map<String, String> settings, Path log, String logbackConfig, String logFormat) throws Exception {
        return HubProcess.startHubApplication(settings, Map.of("LOG_FORMAT", logFormat), log, logbackConfig);
    }
}

package com.mstore.hub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --compare: the median ratio of each flow and baseline, and the hub process's start and memory, then and now. */
class ComparisonTest {

    @Test
    void printsEachFlowsMedianRatioAndTheProcessFiguresThenAndNow(@TempDir Path directory) throws Exception {
        Path earlier = directory.resolve("earlier.json");
        Files.writeString(earlier, """
                {"machine": {"commit": "abc1234"}, "flows": [
                  {"flow": "cache invalidation (Redis pub/sub)", "throughputRatiosByBaseline": {"raw": [0.2, 0.3, 0.25]}}],
                 "hubProcess": {"startToReadyMillis": 4173, "idleRssMegabytes": 255}}""");
        Path current = directory.resolve("results.json");
        Files.writeString(current, """
                {"machine": {"commit": "def5678"}, "flows": [
                  {"flow": "cache invalidation (Redis pub/sub)", "throughputRatiosByBaseline": {"raw": [0.5, 0.6, 0.4, 0.55]}},
                  {"flow": "device status (MQTT 5, QoS 1)", "throughputRatiosByBaseline": {"raw": [0.17]}}],
                 "hubProcess": {"startToReadyMillis": 2392, "idleRssMegabytes": 225}}""");
        String text = Comparison.of(earlier, Comparison.read(earlier), current);
        assertThat(text).startsWith("Against " + earlier + " (commit abc1234 → def5678)")
                .contains("cache invalidation (Redis pub/sub)" + " ".repeat(12) + "raw        0.250 → 0.525 (+110%)")
                .contains("device status (MQTT 5, QoS 1)" + " ".repeat(17) + "raw          —   → 0.170")
                .contains("hub process: start to ready" + " ".repeat(30) + "4173 → 2392 ms")
                .contains("hub process: resident memory idle" + " ".repeat(24) + "255 → 225 MB");
    }
}

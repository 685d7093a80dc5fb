package com.mstore.hub.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code make bench BENCH_ARGS="--compare earlier.json"}: each flow's median hub/baseline ratio in
 * this run against an earlier results file, so a change is judged against the last one measured in
 * the same sitting (absolute rates drift between sittings on a shared machine; ratios much less).
 */
final class Comparison {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Comparison() {
    }

    /** Read before the run, so the earlier file may be the one this run overwrites. */
    static JsonNode read(Path earlier) throws IOException {
        return JSON.readTree(earlier.toFile());
    }

    static String of(Path earlier, JsonNode before, Path current) throws IOException {
        JsonNode now = JSON.readTree(current.toFile());
        StringBuilder text = new StringBuilder("Against ").append(earlier).append(" (commit ")
                .append(before.path("machine").path("commit").asText("unknown")).append(" → ")
                .append(now.path("machine").path("commit").asText("unknown")).append("), median hub/baseline throughput:\n");
        Map<String, Map<String, Double>> was = medians(before);
        medians(now).forEach((flow, ratios) -> ratios.forEach((baseline, ratio) -> {
            Double previous = was.getOrDefault(flow, Map.of()).get(baseline);
            text.append(String.format("  %-45s %-10s %s → %.3f%s%n", flow, baseline,
                    previous == null ? "  —  " : String.format("%.3f", previous), ratio,
                    previous == null ? "" : String.format(" (%+.0f%%)", (ratio / previous - 1) * 100)));
        }));
        JsonNode processBefore = before.path("hubProcess");
        JsonNode processNow = now.path("hubProcess");
        if (processNow.has("startToReadyMillis")) {
            text.append(String.format("  %-56s %s → %d ms%n", "hub process: start to ready",
                    processBefore.has("startToReadyMillis") ? processBefore.path("startToReadyMillis").asLong() : "—",
                    processNow.path("startToReadyMillis").asLong()));
            text.append(String.format("  %-56s %s → %d MB%n", "hub process: resident memory idle",
                    processBefore.has("idleRssMegabytes") ? processBefore.path("idleRssMegabytes").asLong() : "—",
                    processNow.path("idleRssMegabytes").asLong()));
        }
        return text.toString();
    }

    /** Flow → baseline → median ratio. */
    static Map<String, Map<String, Double>> medians(JsonNode results) {
        Map<String, Map<String, Double>> byFlow = new LinkedHashMap<>();
        for (JsonNode flow : results.path("flows")) {
            Map<String, Double> ratios = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> baselines = flow.path("throughputRatiosByBaseline").fields();
            while (baselines.hasNext()) {
                Map.Entry<String, JsonNode> baseline = baselines.next();
                List<Double> values = new ArrayList<>();
                baseline.getValue().forEach(value -> values.add(value.asDouble()));
                ratios.put(baseline.getKey(), median(values));
            }
            byFlow.put(flow.path("flow").asText(), ratios);
        }
        return byFlow;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }
}

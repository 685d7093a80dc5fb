package com.mstore.hub.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Every measurement of a benchmark run, the machine it ran on, and the hub/raw ratios: JSON and Markdown. */
final class Results {

    /** A flow's measurements per side: the hub, then each baseline (raw, the physical limit, first). */
    record FlowResults(String flow, Map<String, String> baselines, Map<String, List<Measurement>> sides) {

        List<Measurement> hub() {
            return sides.getOrDefault(Flow.HUB, List.of());
        }

        List<Measurement> raw() {
            return side(Flow.RAW);
        }

        List<Measurement> side(String side) {
            return sides.getOrDefault(side, List.of());
        }
    }

    private final Benchmark.Options options;
    private final Map<String, FlowResults> flows = new LinkedHashMap<>();
    private HubFootprint.Footprint footprint;

    Results(Benchmark.Options options) {
        this.options = options;
    }

    void add(Flow flow, String side, Measurement measurement) {
        FlowResults results = flows.computeIfAbsent(flow.name(),
                name -> new FlowResults(name, flow.baselines(), new LinkedHashMap<>()));
        results.sides().computeIfAbsent(side, s -> new ArrayList<>()).add(measurement);
    }

    void footprint(HubFootprint.Footprint footprint) {
        this.footprint = footprint;
    }

    Map<String, FlowResults> flows() {
        return flows;
    }

    HubFootprint.Footprint footprint() {
        return footprint;
    }

    /** Per run, hub throughput / raw throughput (runs pair up: each run measured both sides back to back). */
    static List<Double> throughputRatios(FlowResults results) {
        return throughputRatios(results, Flow.RAW);
    }

    /** Per run, hub throughput / this baseline's throughput. */
    static List<Double> throughputRatios(FlowResults results, String baseline) {
        List<Double> ratios = new ArrayList<>();
        List<Measurement> against = results.side(baseline);
        for (int i = 0; i < Math.min(results.hub().size(), against.size()); i++) {
            ratios.add(results.hub().get(i).messagesPerSecond() / against.get(i).messagesPerSecond());
        }
        return ratios;
    }

    private static String ratioText(List<Double> ratios) {
        return "%.3f (%.3f–%.3f)".formatted(median(ratios),
                ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                ratios.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
    }

    static double median(List<Measurement> measurements, ToDoubleFunction<Measurement> value) {
        return median(measurements.stream().mapToDouble(value).boxed().toList());
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    String markdown() {
        StringBuilder table = new StringBuilder();
        table.append("Machine: ").append(Machine.describe()).append("  \n");
        table.append(("Runs: %d; %d messages per throughput pass; latency end to end at the rate shown (half the hub's "
                + "warm-up throughput, at most %d/s), up to %d messages; medians over runs, ratio spread min–max.%n%n")
                .formatted(options.runs(), options.messages(), options.latencyRate(), options.latencyMessages()));
        table.append("| Flow | Side | msg/s | latency at /s | p50 ms | p99 ms | p99.9 ms | CPU ms / 1000 msg | hub/raw throughput |\n");
        table.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (FlowResults results : flows.values()) {
            row(table, results.flow(), Flow.HUB, results.hub(), ratioText(throughputRatios(results)));
            for (String baseline : results.baselines().keySet()) {
                // against the physical limit in the hub's row; against any other baseline in its own
                row(table, "", baseline, results.side(baseline),
                        baseline.equals(Flow.RAW) ? "" : "hub/this " + ratioText(throughputRatios(results, baseline)));
            }
        }
        if (footprint != null) {
            table.append("%nHub process (production mode: the image's JVM options in the deployment's 768 MiB): start to ready %d ms (median of %s); resident memory idle %d MB, "
                    .formatted(footprint.startToReadyMillis(), footprint.startsToReadyMillis(), footprint.idleRssMegabytes()))
                    .append("at most %d MB while auditing %d transactions (%.0f/s).%n"
                            .formatted(footprint.loadedRssMegabytes(), footprint.loadMessages(), footprint.loadMessagesPerSecond()));
        }
        table.append("\nWhat each baseline leaves out of the hub's work:\n\n");
        flows.values().forEach(results -> results.baselines().forEach((baseline, what) ->
                table.append("- ").append(results.flow()).append(", ").append(baseline).append(": ").append(what).append('\n')));
        return table.toString();
    }

    private static void row(StringBuilder table, String flow, String side, List<Measurement> measurements, String ratio) {
        table.append("| %s | %s | %.0f | %.0f | %.2f | %.2f | %.2f | %.0f | %s |%n".formatted(flow, side,
                median(measurements, Measurement::messagesPerSecond), median(measurements, Measurement::latencyRatePerSecond),
                median(measurements, Measurement::p50Millis),
                median(measurements, Measurement::p99Millis), median(measurements, Measurement::p999Millis),
                median(measurements, Measurement::cpuMillisPer1000), ratio));
    }

    void write() throws java.io.IOException {
        Files.createDirectories(options.out());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", Machine.facts());
        json.put("options", Map.of("runs", options.runs(), "messages", options.messages(),
                "latencyMessages", options.latencyMessages(), "latencyRate", options.latencyRate()));
        List<Map<String, Object>> flowJson = new ArrayList<>();
        for (FlowResults results : flows.values()) {
            Map<String, Object> flow = new LinkedHashMap<>();
            flow.put("flow", results.flow());
            flow.put("baselines", results.baselines());
            flow.put("throughputRatios", throughputRatios(results));
            Map<String, List<Double>> against = new LinkedHashMap<>();
            results.baselines().keySet().forEach(baseline -> against.put(baseline, throughputRatios(results, baseline)));
            flow.put("throughputRatiosByBaseline", against);
            results.sides().forEach(flow::put);
            flowJson.add(flow);
        }
        json.put("flows", flowJson);
        json.put("hubProcess", footprint);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(options.out().resolve("results.json").toFile(), json);
        Files.writeString(options.out().resolve("results.md"), markdown());
    }
}

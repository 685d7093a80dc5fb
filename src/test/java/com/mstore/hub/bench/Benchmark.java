package com.mstore.hub.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.mstore.hub.local.LocalBrokers;
import com.mstore.hub.testing.RunningHub;
import com.mstore.hub.testing.TestBrokers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * make bench: each flow driven through the hub and through a plain client doing the same broker
 * work, on the same brokers in the same run, several times; then the hub's start-up time and memory
 * as a process. Results: target/bench/results.json and results.md.
 *
 * Options: --runs N (5), --messages N per throughput pass (2000), --latency-messages N (1000) sent at
 * --latency-rate per second at most (200), --footprint-messages N (10000) audited by the hub process after
 * --idle-seconds (5) idle, --flows (the first words of the flows to run; all by default),
 * --out DIR (target/bench), --smtp sink|local (mails go to a minimal SMTP server that keeps nothing, or
 * to the local brokers' GreenMail; sink by default), --compare FILE (an earlier results.json: prints each
 * flow's ratio change against it, after the run), --smoke (about a minute, for make test).
 */
public final class Benchmark {

    private static final Logger LOG = LoggerFactory.getLogger(Benchmark.class);
    /**
     * How long a pass may take before it is reported as stuck: a minute, and 50 ms per message (a
     * smoke pass that never finishes fails in about a minute with what was left, not at JUnit's timeout).
     */
    private static Duration patience(Recorder recorder) {
        return Duration.ofSeconds(60).plusMillis(50L * recorder.messages());
    }
    /** Records per Kafka poll and transaction, the same for the hub and its exactly-once baseline. */
    static final int TRANSACTION_BATCH = 500;

    record Options(int runs, int messages, int latencyMessages, int latencyRate, Path out, int footprintMessages,
                   int idleSeconds, List<String> flows, String smtp, Path compare) {

        static Options parse(String... args) {
            Map<String, String> given = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--smoke")) {
                    given.putIfAbsent("--runs", "1");
                    given.putIfAbsent("--messages", "200");
                    given.putIfAbsent("--latency-messages", "50");
                    given.putIfAbsent("--latency-rate", "200");
                    given.putIfAbsent("--footprint-messages", "200");
                    given.putIfAbsent("--idle-seconds", "0");
                } else {
                    given.put(args[i], args[++i]);
                }
            }
            return new Options(Integer.parseInt(given.getOrDefault("--runs", "5")),
                    Integer.parseInt(given.getOrDefault("--messages", "2000")),
                    Integer.parseInt(given.getOrDefault("--latency-messages", "1000")),
                    Integer.parseInt(given.getOrDefault("--latency-rate", "200")),
                    Path.of(given.getOrDefault("--out", "target/bench")),
                    Integer.parseInt(given.getOrDefault("--footprint-messages", "10000")),
                    Integer.parseInt(given.getOrDefault("--idle-seconds", "5")),
                    List.of(given.getOrDefault("--flows", "transactions,order.get,email,device,cache").split(",")),
                    given.getOrDefault("--smtp", "sink"),
                    given.containsKey("--compare") ? Path.of(given.get("--compare")) : null);
        }
    }

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        var earlier = options.compare() == null ? null : Comparison.read(options.compare());
        Results results;
        try (LocalBrokers brokers = LocalBrokers.reuseOrStartOnFreePorts(LocalBrokers.PortPlan.standard())) {
            results = run(options, TestBrokers.withOwnNames(brokers.hubSettings()));
        }
        System.out.println(results.markdown());
        if (earlier != null) {
            System.out.println(Comparison.of(options.compare(), earlier, options.out().resolve("results.json")));
        }
        // the in-JVM brokers and clients leave non-daemon threads behind
        System.exit(0);
    }

    /** Runs the benchmark against the brokers these hub settings name. */
    public static Results run(Options options, Map<String, String> brokerSettings) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Results results = new Results(options);
        Map<String, String> settings = new LinkedHashMap<>(brokerSettings);
        SmtpSink sink = options.smtp().equals("sink") ? new SmtpSink() : null;
        if (sink != null) {
            settings.put("mstore.smtp.host", "localhost");
            settings.put("mstore.smtp.port", String.valueOf(sink.port()));
        }
        List<Flow> flows = new java.util.ArrayList<>(List.of(new TransactionsFlow(settings, run, TRANSACTION_BATCH, false),
                new TransactionsFlow(settings, run, TRANSACTION_BATCH, true), new OrderGetFlow(settings, run),
                new EmailJobsFlow(settings, run), new DeviceStatusFlow(settings, run),
                new CacheInvalidationFlow(settings, run)));
        flows.removeIf(flow -> options.flows().stream().noneMatch(flow.name()::startsWith));
        flows.forEach(flow -> settings.putAll(flow.hubSettings()));
        HubCompletions completions = new HubCompletions();
        Map<Flow, Integer> latencyRates = new HashMap<>();
        try (RunningHub hub = RunningHub.startWith(settings)) {
            hub.context().getManagementStrategy().addEventNotifier(completions);
            int pass = 0;
            for (int round = 0; round <= options.runs(); round++) {
                boolean warmUp = round == 0;
                for (Flow flow : flows) {
                    flow.beforeHubPasses(hub.context());
                    List<String> sides = new java.util.ArrayList<>(List.of(Flow.HUB));
                    sides.addAll(flow.baselines().keySet());
                    for (String side : sides) {
                        Marker throughputIds = new Marker(run + "p" + pass++);
                        Marker latencyIds = new Marker(run + "p" + pass++);
                        int latencyRate = latencyRates.getOrDefault(flow, options.latencyRate());
                        Measurement measured = measure(flow, side, completions, options, warmUp, throughputIds, latencyIds,
                                latencyRate);
                        if (warmUp && Flow.HUB.equals(side)) {
                            latencyRates.put(flow, (int) Math.max(1, Math.min(options.latencyRate(), measured.messagesPerSecond() / 2)));
                        }
                        if (!warmUp) {
                            results.add(flow, side, measured);
                            LOG.info("run {} {} {}: {}", round, flow.name(), side, measured);
                        }
                    }
                }
            }
        } finally {
            for (Flow flow : flows) {
                flow.close();
            }
            if (sink != null) {
                sink.close();
            }
        }
        results.footprint(HubFootprint.measure(brokerSettings, options, run));
        results.write();
        return results;
    }

    private static Measurement measure(Flow flow, String side, HubCompletions completions, Options options,
                                       boolean warmUp, Marker throughputIds, Marker latencyIds, int latencyRate)
            throws Exception {
        // as many in the warm-up as in a measured pass: the hub's code paths are many, and a shorter
        // warm-up left its first measured run at half its speed while the JIT compiled them
        int messages = options.messages();
        Recorder throughput = new Recorder(throughputIds, messages);
        long cpuBefore = processCpuNanos();
        drive(flow, side, completions, throughput, 0);
        double cpuMillisPer1000 = (processCpuNanos() - cpuBefore) / 1e6 / messages * 1000;
        long rss = residentMegabytes();
        // as many messages as fit in about ten seconds at the flow's rate, up to --latency-messages
        int latencyMessages = Math.min(options.latencyMessages(), Math.max(20, latencyRate * 10));
        Recorder latency = new Recorder(latencyIds, warmUp ? Math.max(20, latencyMessages / 5) : latencyMessages);
        drive(flow, side, completions, latency, latencyRate);
        return new Measurement(throughput.messagesPerSecond(), cpuMillisPer1000, latencyRate, latency.percentileMillis(50),
                latency.percentileMillis(99), latency.percentileMillis(99.9), rss);
    }

    private static void drive(Flow flow, String side, HubCompletions completions, Recorder recorder, int perSecond)
            throws Exception {
        String what = flow.name() + (Flow.HUB.equals(side) ? " through the hub" : " through the plain client " + side);
        if (Flow.HUB.equals(side)) {
            completions.watch(flow.hubRoute(), recorder);
            try {
                flow.send(recorder, side, perSecond);
                recorder.awaitAll(patience(recorder), what);
            } finally {
                completions.watch(null, null);
            }
        } else {
            try (AutoCloseable baseline = flow.startBaseline(side, recorder)) {
                flow.send(recorder, side, perSecond);
                recorder.awaitAll(patience(recorder), what);
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static long residentMegabytes() {
        return residentMegabytes(Path.of("/proc/self/status"));
    }

    /** VmRSS of a process, from Linux's /proc/{pid}/status. */
    static long residentMegabytes(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (java.io.IOException gone) {
            return -1;
        }
        return -1;
    }
}

package com.mstore.hub.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.mstore.hub.local.TempDirs;
import com.mstore.hub.testing.HubProcess;
import com.mstore.hub.testing.ImageLayout;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.TestBrokers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The hub as production runs it (the image's entrypoint, class path, class-data archive and JAVA_OPTS, API
 * keys required): time from process start to ready, resident memory idle and under load. Its log
 * is kept next to the results (hub-process.log).
 */
final class HubFootprint {

    /**
     * A container of the Kubernetes StatefulSet's memory limit (docker/k8s/statefulset.yaml, 768Mi):
     * the JVM sizes itself from that limit, not from this machine's memory.
     */
    private static final String CONTAINER_MEMORY = "-XX:MaxRAM=768m";

    /** startToReadyMillis: the median of startsToReadyMillis, one per start of the process. */
    record Footprint(long startToReadyMillis, List<Long> startsToReadyMillis, long idleRssMegabytes, long loadedRssMegabytes,
                     int loadMessages, double loadMessagesPerSecond) {
    }

    private HubFootprint() {
    }

    static Footprint measure(Map<String, String> brokerSettings, Benchmark.Options options, String run) throws Exception {
        int messages = options.footprintMessages();
        Map<String, String> settings = TestBrokers.withOwnNames(brokerSettings);
        String topic = settings.get("mstore.transactions.topic");
        String group = settings.get("mstore.transactions.consumer-group");
        settings.put("mstore.devices.session-expiry-seconds", "30");
        settings.put("mstore.http.api-keys", "bench-" + run);
        Files.createDirectories(options.out());
        Path log = options.out().resolve("hub-process.log");
        // the image as a directory, its build steps (the class-data archive) done before the clock starts
        Path app = TempDirs.create("bench-image");
        ImageLayout image = ImageLayout.build(app);
        Map<String, String> environment = new HashMap<>(image.environment());
        environment.put("JAVA_OPTS", image.javaOptions() + " " + CONTAINER_MEMORY);
        // started once per run, as the flows are measured: one start on a shared machine says little
        List<Long> startsToReady = new ArrayList<>();
        Process hub = null;
        for (int start = 1; start <= Math.max(1, options.runs()); start++) {
            if (hub != null) {
                hub.destroy();
                hub.waitFor(60, TimeUnit.SECONDS);
            }
            long started = System.nanoTime();
            hub = HubProcess.startReady(new ProcessBuilder("/bin/sh", image.entrypoint().toString()), settings, environment, log);
            startsToReady.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        }
        long startToReady = startsToReady.stream().sorted().toList().get((startsToReady.size() - 1) / 2);
        try {
            Path status = Path.of("/proc", String.valueOf(hub.pid()), "status");
            // the idle period being measured, not a wait for a result
            Thread.sleep(options.idleSeconds() * 1000L);
            long idle = Benchmark.residentMegabytes(status);
            long loaded = idle;
            Properties config = new Properties();
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.get("mstore.kafka.brokers"));
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            long loadStart = System.nanoTime();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
                 KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"))) {
                for (int i = 0; i < messages; i++) {
                    String code = "TRX-FOOTPRINT-" + run + "-" + i;
                    producer.send(new ProducerRecord<>(topic, code,
                            "{\"transactionCode\": \"%s\", \"branchId\": 3, \"grandTotal\": %d}".formatted(code, i)));
                }
                producer.flush();
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (!kafka.caughtUp(group, topic)) {
                    loaded = Math.max(loaded, Benchmark.residentMegabytes(status));
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the hub process did not audit " + messages + " transactions in 5 minutes");
                    }
                    Thread.sleep(100);
                }
            }
            double perSecond = messages / ((System.nanoTime() - loadStart) / 1e9);
            return new Footprint(startToReady, startsToReady, idle, loaded, messages, perSecond);
        } finally {
            hub.destroy();
            hub.waitFor(60, TimeUnit.SECONDS);
            TempDirs.delete(app);
        }
    }
}

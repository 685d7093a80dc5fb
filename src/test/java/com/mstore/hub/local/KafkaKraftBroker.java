package com.mstore.hub.local;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/** A single-node in-JVM Kafka in KRaft mode (broker and controller in one server). */
public final class KafkaKraftBroker extends StartedHere implements Restartable {

    private final Path logDir;
    private final KafkaConfig config;
    private KafkaRaftServer server;

    private KafkaKraftBroker(int port, Path logDir, KafkaConfig config, KafkaRaftServer server) {
        super("Kafka", port);
        this.logDir = logDir;
        this.config = config;
        this.server = server;
    }

    static KafkaKraftBroker start(int port) {
        return start(port, port);
    }

    /**
     * A broker that tells clients to reach it at another port (where a test puts a proxy in front of
     * it, say); it listens on {@code port}.
     */
    public static KafkaKraftBroker start(int port, int advertisedPort) {
        return start(port, advertisedPort, 8 * 1024 * 1024);
    }

    /** A broker at Kafka's own size limits (message.max.bytes 1 MiB and a little), as production runs one. */
    public static KafkaKraftBroker startWithKafkasLimits(int port) {
        return start(port, port, 0);
    }

    /** {@code messageMaxBytes} 0: Kafka's default. */
    private static KafkaKraftBroker start(int port, int advertisedPort, int messageMaxBytes) {
        int controllerPort = Ports.free();
        Path logDir = TempDirs.create("kafka");
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + advertisedPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("num.partitions", "3");
        props.put("auto.create.topics.enable", "true");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "5");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // a timed-out transaction (of a killed client) is aborted within a second of its timeout
        props.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        // The default 128 MiB dedupe buffer is heap a test broker does not need.
        props.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        props.put("log.cleaner.threads", "1");
        // room for the oversized records the tests send (the hub must dead-letter them unchanged)
        if (messageMaxBytes > 0) {
            props.put("message.max.bytes", String.valueOf(messageMaxBytes));
        }
        KafkaConfig config = new KafkaConfig(props);
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(Set.of(logDir.toString()))
                    .setMetadataLogDirectory(logDir.toString())
                    .setControllerListenerName("CONTROLLER")
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            return new KafkaKraftBroker(port, logDir, config, server);
        } catch (Exception e) {
            TempDirs.delete(logDir);
            throw new IllegalStateException("Could not start the in-JVM Kafka broker on port " + port, e);
        }
    }

    @Override
    public void stop() {
        server.shutdown();
        server.awaitShutdown();
    }

    @Override
    public void start() {
        server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
    }

    @Override
    public void close() {
        stop();
        TempDirs.delete(logDir);
    }
}

package com.mstore.hub.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.hivemq.embedded.EmbeddedHiveMQ;

/** An in-JVM MQTT 5 broker (HiveMQ Community Edition, embedded). */
final class HiveMqBroker extends StartedHere implements Restartable {

    private final Path home;
    private EmbeddedHiveMQ hivemq;

    private HiveMqBroker(int port, Path home, EmbeddedHiveMQ hivemq) {
        super("MQTT", port);
        this.home = home;
        this.hivemq = hivemq;
    }

    static HiveMqBroker start(int port) {
        Path home = TempDirs.create("hivemq");
        try {
            Path conf = Files.createDirectories(home.resolve("conf"));
            Files.writeString(conf.resolve("config.xml"), """
                    <?xml version="1.0"?>
                    <hivemq>
                      <listeners>
                        <tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener>
                      </listeners>
                      <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                    </hivemq>
                    """.formatted(port));
            HiveMqBroker broker = new HiveMqBroker(port, home, null);
            broker.start();
            return broker;
        } catch (IOException e) {
            TempDirs.delete(home);
            throw new UncheckedIOException(e);
        }
    }

    private static EmbeddedHiveMQ embedded(Path home) throws IOException {
        return EmbeddedHiveMQ.builder()
                .withConfigurationFolder(home.resolve("conf"))
                .withDataFolder(Files.createDirectories(home.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                .withoutLoggingBootstrap()
                .build();
    }

    /**
     * Its persistent sessions and queued QoS 1 messages are kept in the data folder; an embedded
     * HiveMQ cannot be started twice, so a new one is started on that folder.
     */
    @Override
    public void stop() {
        try {
            hivemq.stop().join();
            hivemq.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the embedded MQTT broker", e);
        }
    }

    @Override
    public void start() {
        try {
            hivemq = embedded(home);
            hivemq.start().join();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } finally {
            TempDirs.delete(home);
        }
    }
}

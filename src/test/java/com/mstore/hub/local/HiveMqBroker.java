package com.mstore.hub.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.hivemq.embedded.EmbeddedHiveMQ;

/** An in-JVM MQTT 5 broker (HiveMQ Community Edition, embedded). */
final class HiveMqBroker extends StartedHere {

    private final Path home;
    private final EmbeddedHiveMQ hivemq;

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
            EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(conf)
                    .withDataFolder(Files.createDirectories(home.resolve("data")))
                    .withExtensionsFolder(Files.createDirectories(home.resolve("extensions")))
                    .withoutLoggingBootstrap()
                    .build();
            hivemq.start().join();
            return new HiveMqBroker(port, home, hivemq);
        } catch (IOException e) {
            TempDirs.delete(home);
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            hivemq.stop().join();
            hivemq.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop the embedded MQTT broker", e);
        } finally {
            TempDirs.delete(home);
        }
    }
}

package com.mstore.hub.local;

import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.nats.NatsServerRunner;

/** Debian's nats-server, run as a child process through jnats-server-runner. */
public final class NatsServer extends StartedHere implements Restartable {

    static final String EXECUTABLE = "/usr/sbin/nats-server";

    private final List<String> configInserts;
    private NatsServerRunner runner;

    private NatsServer(int port, List<String> configInserts, NatsServerRunner runner) {
        super("NATS", port);
        this.configInserts = configInserts;
        this.runner = runner;
    }

    public static NatsServer start(int port) {
        return start(port, List.of());
    }

    /** A server that speaks only TLS (with this certificate) and admits only this user. */
    public static NatsServer startWithTlsAndUser(int port, Path certificate, Path key, String user, String password) {
        return start(port, List.of(
                "tls { cert_file: \"" + certificate + "\", key_file: \"" + key + "\" }",
                "authorization { user: \"" + user + "\", password: \"" + password + "\" }"));
    }

    private static NatsServer start(int port, List<String> configInserts) {
        return new NatsServer(port, configInserts, run(port, configInserts));
    }

    private static NatsServerRunner run(int port, List<String> configInserts) {
        try {
            return NatsServerRunner.builder()
                    .executablePath(EXECUTABLE)
                    .port(port)
                    .configInserts(configInserts)
                    .outputLogger(quietLogger())
                    .outputLevel(Level.WARNING)
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException("Could not start " + EXECUTABLE + " on port " + port
                    + " (install it with: apt-get install nats-server)", e);
        }
    }

    /** nats-server's start-up banner is noise in test output; its warnings are kept. */
    private static Logger quietLogger() {
        Logger logger = Logger.getLogger("nats-server");
        logger.setLevel(Level.WARNING);
        return logger;
    }

    @Override
    public void stop() {
        close();
    }

    @Override
    public void start() {
        runner = run(port(), configInserts);
    }

    @Override
    public void close() {
        try {
            runner.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop nats-server", e);
        }
    }
}

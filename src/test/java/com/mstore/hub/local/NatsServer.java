package com.mstore.hub.local;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.nats.NatsServerRunner;

/** Debian's nats-server, run as a child process through jnats-server-runner. */
final class NatsServer extends StartedHere {

    static final String EXECUTABLE = "/usr/sbin/nats-server";

    private final NatsServerRunner runner;

    private NatsServer(int port, NatsServerRunner runner) {
        super("NATS", port);
        this.runner = runner;
    }

    static NatsServer start(int port) {
        try {
            NatsServerRunner runner = NatsServerRunner.builder()
                    .executablePath(EXECUTABLE)
                    .port(port)
                    .outputLogger(quietLogger())
                    .outputLevel(Level.WARNING)
                    .build();
            return new NatsServer(port, runner);
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
    public void close() {
        try {
            runner.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not stop nats-server", e);
        }
    }
}

package com.mstore.hub.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import org.awaitility.Awaitility;

/**
 * Debian's rabbitmq-server as a child process: a node of its own (own name, ports, data and log
 * directories), so it runs beside a system RabbitMQ without touching it.
 */
public final class RabbitMqServer extends StartedHere implements Restartable {

    static final String EXECUTABLE = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int EPMD_PORT = 4369;

    private final Path home;
    private final ProcessBuilder command;
    private final ConnectionFactory readinessProbe;
    private final boolean startedEpmd;
    private Process process;

    /**
     * Runs rabbitmqctl against this node (as its own user: the node's cookie is in its home), for
     * example {@code set_vm_memory_high_watermark 0.0001} to raise a memory alarm.
     */
    public void rabbitmqctl(String... arguments) {
        java.util.List<String> commandLine = new java.util.ArrayList<>(java.util.List.of("/usr/lib/rabbitmq/bin/rabbitmqctl",
                "-n", command.environment().get("RABBITMQ_NODENAME")));
        commandLine.addAll(java.util.List.of(arguments));
        ProcessBuilder ctl = new ProcessBuilder(commandLine).redirectErrorStream(true)
                .redirectOutput(home.resolve("rabbitmqctl.log").toFile());
        ctl.environment().putAll(command.environment());
        try {
            Process process = ctl.start();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("rabbitmqctl " + String.join(" ", arguments) + " failed: "
                        + Files.readString(home.resolve("rabbitmqctl.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The AMQP URI of this node (its default guest user). */
    public String uri() {
        return "amqp://guest:guest@localhost:" + port() + "/";
    }

    private RabbitMqServer(int port, Path home, ProcessBuilder command, ConnectionFactory readinessProbe,
                           boolean startedEpmd) {
        super("RabbitMQ", port);
        this.home = home;
        this.command = command;
        this.readinessProbe = readinessProbe;
        this.startedEpmd = startedEpmd;
    }

    /** A node of this harness's own at a free port (for tests that need to put it in distress). */
    public static RabbitMqServer startOwn() {
        return start(Ports.free());
    }

    static RabbitMqServer start(int port) {
        ConnectionFactory probe = new ConnectionFactory();
        probe.setHost("127.0.0.1");
        probe.setPort(port);
        return start(port, "listeners.tcp.default = 127.0.0.1:" + port + "\n", probe);
    }

    /**
     * A node that speaks only AMQPS (with this certificate) and whose only user is this one.
     *
     * @param clientTls what the readiness check trusts (the CA that signed the certificate)
     */
    public static RabbitMqServer startWithTlsAndUser(int port, Path caFile, Path certificate, Path key,
                                                     String user, String password, javax.net.ssl.SSLContext clientTls) {
        ConnectionFactory probe = new ConnectionFactory();
        probe.setHost("localhost");
        probe.setPort(port);
        probe.setUsername(user);
        probe.setPassword(password);
        probe.useSslProtocol(clientTls);
        return start(port, "listeners.tcp = none\n"
                + "listeners.ssl.default = 127.0.0.1:" + port + "\n"
                + "ssl_options.cacertfile = " + caFile + "\n"
                + "ssl_options.certfile = " + certificate + "\n"
                + "ssl_options.keyfile = " + key + "\n"
                + "ssl_options.verify = verify_none\n"
                + "ssl_options.fail_if_no_peer_cert = false\n"
                + "default_user = " + user + "\n"
                + "default_pass = " + password + "\n", probe);
    }

    private static RabbitMqServer start(int port, String listeners, ConnectionFactory readinessProbe) {
        if (!Files.isExecutable(Path.of(EXECUTABLE))) {
            throw new IllegalStateException(EXECUTABLE + " not found: install it with apt-get install rabbitmq-server");
        }
        boolean epmdWasRunning = Ports.answers("127.0.0.1", EPMD_PORT);
        Path home = TempDirs.create("rabbitmq");
        try {
            Files.writeString(home.resolve("rabbitmq.conf"), listeners + "loopback_users = none\n");
            Files.writeString(home.resolve("enabled_plugins"), "[].\n");
            String node = "mstore-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
            // setsid: its own session, so a Ctrl-C in dev mode reaches the hub, which then stops this
            // node in order, instead of the node dying under the hub.
            ProcessBuilder builder = new ProcessBuilder(setsid(), EXECUTABLE)
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("console.log").toFile());
            Map<String, String> env = builder.environment();
            env.put("HOME", home.toString());
            env.put("RABBITMQ_NODENAME", node);
            env.put("RABBITMQ_NODE_PORT", String.valueOf(port));
            env.put("RABBITMQ_DIST_PORT", String.valueOf(Ports.free()));
            env.put("RABBITMQ_BASE", home.toString());
            env.put("RABBITMQ_MNESIA_BASE", home.resolve("mnesia").toString());
            env.put("RABBITMQ_LOG_BASE", home.resolve("log").toString());
            env.put("RABBITMQ_CONFIG_FILE", home.resolve("rabbitmq.conf").toString());
            env.put("RABBITMQ_ENABLED_PLUGINS_FILE", home.resolve("enabled_plugins").toString());
            env.put("RABBITMQ_CONF_ENV_FILE", home.resolve("rabbitmq-env.conf").toString());
            env.put("RABBITMQ_PID_FILE", home.resolve("rabbitmq.pid").toString());
            RabbitMqServer server = new RabbitMqServer(port, home, builder, readinessProbe, !epmdWasRunning);
            server.start();
            return server;
        } catch (IOException e) {
            TempDirs.delete(home);
            throw new UncheckedIOException("Could not start rabbitmq-server on port " + port, e);
        }
    }

    private static String setsid() {
        return Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid" : "/bin/setsid";
    }

    /** Ready means an AMQP connection opens, which is what the hub needs (rabbitmqctl await_startup would need the node's cookie). */
    /** Starts the node on its data directory (a restart keeps durable queues and persistent messages). */
    @Override
    public void start() {
        try {
            process = command.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start rabbitmq-server on port " + port(), e);
        }
        awaitReady(readinessProbe);
    }

    /** Stops the node, keeping its data directory. */
    @Override
    public void stop() {
        // SIGTERM to the start script stops the Erlang node cleanly; its descendants are checked too.
        var descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        descendants.forEach(p -> {
            if (p.isAlive()) {
                p.destroyForcibly();
            }
        });
    }

    private void awaitReady(ConnectionFactory factory) {
        factory.setConnectionTimeout(1000);
        try {
            Awaitility.await("rabbitmq-server on port " + port())
                    .atMost(READY_TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("rabbitmq-server exited with " + process.exitValue()
                                    + "; see " + home.resolve("console.log"));
                        }
                        try (Connection ignored = factory.newConnection()) {
                            return true;
                        } catch (IOException | java.util.concurrent.TimeoutException notYet) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        stop();
        if (startedEpmd) {
            try {
                new ProcessBuilder("epmd", "-kill").redirectErrorStream(true).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException | InterruptedException ignored) {
                // epmd may be gone already
            }
        }
        TempDirs.delete(home);
    }
}

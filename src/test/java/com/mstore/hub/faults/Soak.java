package com.mstore.hub.faults;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.mstore.hub.faults.FaultSchedule.Fault;
import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.local.LocalBrokers;
import com.mstore.hub.local.Restartable;
import com.mstore.hub.testing.CountingProxy;
import com.mstore.hub.testing.FreePorts;
import com.mstore.hub.testing.HubProcess;
import com.mstore.hub.testing.TestBrokers;
import com.mstore.hub.testing.WebSocketClient;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * The soak: two hub processes on brokers of their own, steady traffic on all five flows (transactions
 * with receipts, orders created and reserved, email jobs, device statuses, invalidations and
 * notifications), and faults drawn from a seed, one after another (FaultSchedule). When the time is
 * up the traffic stops, the flows drain, and {@link SoakCheck} holds what the brokers, Redis, the
 * SMTP server and the users' sockets have against each flow's promise. The report goes to
 * {@code target/soak/}; a broken promise fails the run, and its seed reproduces it.
 *
 * <p>{@code make soak} runs it for {@code SOAK_MINUTES} (10) with a new seed, or {@code SOAK_SEED};
 * SoakTest runs one minute of it in the suite.
 */
final class Soak {

    private static final Logger LOG = LoggerFactory.getLogger(Soak.class);
    private static final Duration RECOVERY = Duration.ofSeconds(90);
    /** Past the Kafka session timeout the soak gives the hubs (6 s), so a paused hub loses its partitions. */
    private static final Duration HUB_PAUSE = Duration.ofSeconds(8);

    private final Duration length;
    private final FaultSchedule schedule;
    private final Path directory;
    private final String run = UUID.randomUUID().toString().substring(0, 8);
    /** When each fault began and when the hubs were whole again after it. */
    private final List<SoakReport.Window> windows = new ArrayList<>();
    /** Brokers whose outage the hubs' readiness never reported. */
    private final List<String> readinessMissed = new ArrayList<>();

    Soak(Duration length, FaultSchedule schedule, Path directory) {
        this.length = length;
        this.schedule = schedule;
        this.directory = directory;
    }

    SoakReport run() throws Exception {
        Files.createDirectories(directory);
        LOG.info("Soak of {} s, seed {}: {} faults", length.toSeconds(), schedule.seed(), schedule.faults().size());
        try (LocalBrokers brokers = LocalBrokers.startOwn(LocalBrokers.PortPlan.random());
             CountingProxy smtpLine = new CountingProxy(brokers.get("SMTP").port())) {
            Map<String, String> settings = settings(brokers, smtpLine);
            List<Long> users = List.of(700_000L + Math.abs(run.hashCode() % 100_000), 800_000L + Math.abs(run.hashCode() % 100_000));
            MixedTraffic traffic = new MixedTraffic(settings, run, users);
            try (Hubs hubs = new Hubs(settings, directory, run);
                 Sockets sockets = new Sockets(hubs, users)) {
                sockets.keepOpen();
                await("the users' sockets open").atMost(RECOVERY).until(sockets::allOpen);
                long start = System.currentTimeMillis();
                traffic.start();
                for (FaultSchedule.Planned planned : schedule.faults()) {
                    long due = start + planned.at().toMillis();
                    while (System.currentTimeMillis() < due) {
                        // the soak's own pace: nothing here waits for a result
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(200, Math.max(1, due - System.currentTimeMillis()))));
                    }
                    apply(planned, brokers, smtpLine, hubs, settings);
                }
                while (System.currentTimeMillis() < start + length.toMillis()) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                }
                traffic.close();
                long trafficEnded = System.currentTimeMillis();
                LOG.info("Soak traffic stopped: {}", traffic.published());
                SoakCheck check = new SoakCheck(settings, traffic, (GreenMailSmtp) brokers.get("SMTP"), sockets.received,
                        windows, users, start, trafficEnded);
                check.awaitDrained(RECOVERY.multipliedBy(2));
                sockets.close();
                SoakReport report = check.report(schedule.seed(), length, hubs.restarts(), readinessMissed);
                report.write(directory);
                return report;
            }
        }
    }

    private Map<String, String> settings(LocalBrokers brokers, CountingProxy smtpLine) {
        Map<String, String> settings = TestBrokers.withOwnNames(brokers.hubSettings());
        settings.put("mstore.smtp.port", String.valueOf(smtpLine.port()));
        settings.put("mstore.http.auth-required", "false");
        // a broker outage shows in readiness within a second, so the soak's restarts last no longer than that takes
        settings.put("mstore.health.probe-interval-ms", "1000");
        // a silent hub loses its partitions within seconds, and a killed one's transaction is aborted soon
        settings.put("mstore.transactions.session-timeout-ms", "6000");
        settings.put("mstore.transactions.heartbeat-interval-ms", "1000");
        settings.put("mstore.transactions.transaction-timeout-ms", "15000");
        return settings;
    }

    private void apply(FaultSchedule.Planned planned, LocalBrokers brokers, CountingProxy smtpLine, Hubs hubs,
                       Map<String, String> settings) throws Exception {
        Fault fault = planned.fault();
        long began = System.currentTimeMillis();
        LOG.info("Soak fault at {} s: {} (hub {})", planned.at().toSeconds(), fault.description, planned.hub());
        switch (fault) {
            case KILL_HUB -> hubs.kill(planned.hub());
            case PAUSE_HUB -> hubs.pause(planned.hub(), HUB_PAUSE);
            case RESTART_KAFKA -> restart(brokers, "Kafka", hubs);
            case RESTART_RABBITMQ -> restart(brokers, "RabbitMQ", hubs);
            case RESTART_NATS -> restart(brokers, "NATS", hubs);
            case RESTART_MQTT -> restart(brokers, "MQTT", hubs);
            case RESTART_REDIS -> restart(brokers, "Redis", hubs);
            case DROP_SMTP -> smtpLine.dropAll();
            case SLOW_SMTP -> {
                smtpLine.delayFinalReplies(Duration.ofSeconds(3));
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(10));
                smtpLine.delayFinalReplies(Duration.ZERO);
            }
            case PAUSE_REDIS -> {
                try (Jedis redis = new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")))) {
                    redis.clientPause(3_000);
                }
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(3));
            }
        }
        hubs.awaitReady(RECOVERY);
        long whole = System.currentTimeMillis();
        windows.add(new SoakReport.Window(planned.at().toMillis(), fault, planned.hub(), began, whole));
        LOG.info("Soak fault {} over: the hubs ready again {} ms after it began", fault, whole - began);
    }

    /** Stops the broker, waits until the hubs' readiness says so (they must not take traffic they cannot serve), and starts it again. */
    private void restart(LocalBrokers brokers, String name, Hubs hubs) {
        Restartable broker = (Restartable) brokers.get(name);
        broker.stop();
        try {
            await(name + " down in the hubs' readiness").atMost(RECOVERY).pollInterval(Duration.ofMillis(250)).until(hubs::anyNotReady);
        } catch (ConditionTimeoutException stillReady) {
            readinessMissed.add(name);
        } finally {
            broker.start();
        }
    }

    /** `make soak`: SOAK_MINUTES (10) of it, with SOAK_SEED or a new seed; the exit status says whether every promise held. */
    public static void main(String[] args) throws Exception {
        long minutes = Long.parseLong(System.getenv().getOrDefault("SOAK_MINUTES", "10"));
        String givenSeed = System.getenv("SOAK_SEED");
        long seed = givenSeed == null || givenSeed.isBlank() ? Instant.now().toEpochMilli() : Long.parseLong(givenSeed);
        Duration length = Duration.ofMinutes(minutes);
        SoakReport report = new Soak(length, FaultSchedule.draw(seed, length), Path.of("target", "soak")).run();
        System.out.println(report.markdown());
        System.exit(report.kept() ? 0 : 1);
    }

    /** The two hub processes: started, killed and started again, paused and resumed. */
    static final class Hubs implements AutoCloseable {
        private static final HttpClient HTTP = HttpClient.newHttpClient();
        private final Map<String, String> settings;
        private final Path directory;
        private final String run;
        private final Process[] processes = new Process[2];
        private final int[] ports = new int[2];
        private int restarts;

        Hubs(Map<String, String> settings, Path directory, String run) throws IOException {
            this.settings = settings;
            this.directory = directory;
            this.run = run;
            for (int hub = 0; hub < 2; hub++) {
                ports[hub] = FreePorts.one();
                start(hub);
            }
        }

        private void start(int hub) throws IOException {
            Map<String, String> own = new HashMap<>(settings);
            own.put("mstore.instance-id", "soak-" + hub + "-" + run);
            own.put("mstore.http.port", String.valueOf(ports[hub]));
            Path log = directory.resolve("hub-" + hub + "-" + run + ".log");
            if (Files.exists(log)) {
                Files.move(log, directory.resolve("hub-" + hub + "-" + run + "-" + System.currentTimeMillis() + ".log"));
            }
            processes[hub] = HubProcess.startHubApplication(own, Map.of(), log);
        }

        int port(int hub) {
            return ports[hub];
        }

        void kill(int hub) throws Exception {
            processes[hub].destroyForcibly();
            processes[hub].waitFor(30, TimeUnit.SECONDS);
            restarts++;
            start(hub);
        }

        void pause(int hub, Duration duration) throws Exception {
            signal(processes[hub], "STOP");
            try {
                LockSupport.parkNanos(duration.toNanos());
            } finally {
                signal(processes[hub], "CONT");
            }
        }

        int restarts() {
            return restarts;
        }

        boolean anyNotReady() {
            return Arrays.stream(ports).anyMatch(port -> readiness(port) != 200);
        }

        void awaitReady(Duration within) {
            await("both hubs ready").atMost(within).pollInterval(Duration.ofMillis(250))
                    .until(() -> Arrays.stream(ports).allMatch(port -> readiness(port) == 200));
        }

        private static int readiness(int port) {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/observe/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException notAnswering) {
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0;
            }
        }

        private static void signal(Process process, String signal) throws IOException, InterruptedException {
            if (process.isAlive()) {
                new ProcessBuilder("kill", "-" + signal, String.valueOf(process.pid())).inheritIO().start().waitFor();
            }
        }

        /** Stops the hubs as a rollout would (SIGTERM): they leave their groups and end their sessions. */
        @Override
        public void close() throws InterruptedException {
            for (Process process : processes) {
                if (process != null) {
                    process.destroy();
                }
            }
            for (Process process : processes) {
                if (process != null && !process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    /** Each user's notification socket, on a hub of its own, opened again whenever it closes (its hub killed). */
    static final class Sockets implements AutoCloseable {
        /** Per user, every notification its sockets received (as pushed: JSON), in order. */
        final Map<Long, List<String>> received = new ConcurrentHashMap<>();
        private final Hubs hubs;
        private final List<Long> users;
        private final Map<Long, WebSocketClient> open = new ConcurrentHashMap<>();
        private final Map<Long, Integer> counted = new ConcurrentHashMap<>();
        private volatile boolean running = true;
        private Thread keeper;

        Sockets(Hubs hubs, List<Long> users) {
            this.hubs = hubs;
            this.users = users;
            users.forEach(user -> received.put(user, Collections.synchronizedList(new ArrayList<>())));
        }

        void keepOpen() {
            keeper = new Thread(() -> {
                while (running) {
                    for (int i = 0; i < users.size(); i++) {
                        long user = users.get(i);
                        collect(user);
                        WebSocketClient socket = open.get(user);
                        if (socket == null || !socket.isOpen()) {
                            if (socket != null) {
                                // what it received between the look above and its closing is not lost with it
                                collect(user);
                                LOG.info("Soak: user {}'s socket on hub {} closed: opening it again", user, i);
                            }
                            try {
                                open.put(user, new WebSocketClient("ws://localhost:" + hubs.port(i) + "/ws/users/" + user + "/notifications", null));
                                counted.put(user, 0);
                            } catch (IllegalStateException hubAway) {
                                open.remove(user);
                            }
                        }
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
                }
            }, "soak-sockets");
            keeper.setDaemon(true);
            keeper.start();
        }

        boolean allOpen() {
            return users.stream().allMatch(user -> open.get(user) != null && open.get(user).isOpen());
        }

        /** Moves what the user's socket received since the last look into {@link #received}. */
        private void collect(long user) {
            WebSocketClient socket = open.get(user);
            if (socket == null) {
                return;
            }
            List<String> messages = socket.received();
            int seen = counted.getOrDefault(user, 0);
            received.get(user).addAll(messages.subList(seen, messages.size()));
            counted.put(user, messages.size());
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            if (keeper != null) {
                keeper.join(5_000);
            }
            users.forEach(this::collect);
            open.values().forEach(socket -> {
                try {
                    socket.close();
                } catch (RuntimeException gone) {
                    // its hub is gone
                }
            });
        }
    }
}

package com.mstore.hub.local;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The five brokers and the SMTP server, for dev mode and tests. For each one: when something
 * already answers at the wanted port it is used as it is; otherwise one is started, and closing
 * this stops every server it started (and only those).
 */
public final class LocalBrokers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalBrokers.class);
    private static final String HOST = "localhost";
    public static final int DEV_IMAP_PORT = 3143;

    /** Ports of ../shared/CONTRACTS.md. */
    public record PortPlan(int kafka, int nats, int rabbitMq, int mqtt, int redis, int smtp) {

        public static PortPlan standard() {
            return new PortPlan(9092, 4222, 5672, 1883, 6379, 2525);
        }

        /** Fresh free ports, for a set of brokers that must be this harness's own. */
        public static PortPlan random() {
            return new PortPlan(Ports.free(), Ports.free(), Ports.free(), Ports.free(), Ports.free(), Ports.free());
        }
    }

    private final Map<String, LocalBroker> brokers = new LinkedHashMap<>();

    private LocalBrokers() {
    }

    private enum Policy {
        /** dev mode: use what answers at the plan's port, start the rest at that port */
        REUSE_OR_START_THERE,
        /** tests: use what answers at the plan's port, start the rest on a free port */
        REUSE_OR_START_ELSEWHERE,
        /** start every one at the plan's port, whatever else runs on the machine */
        START_OWN
    }

    /** Dev mode: uses what answers at each port of the plan and starts the rest there. */
    public static LocalBrokers reuseOrStart(PortPlan plan) {
        return start(plan, Policy.REUSE_OR_START_THERE);
    }

    /** Tests: uses what answers at each port of the plan, and starts the rest on free ports. */
    public static LocalBrokers reuseOrStartOnFreePorts(PortPlan plan) {
        return start(plan, Policy.REUSE_OR_START_ELSEWHERE);
    }

    /** Starts every broker anew at the plan's ports. */
    public static LocalBrokers startOwn(PortPlan plan) {
        return start(plan, Policy.START_OWN);
    }

    private static LocalBrokers start(PortPlan plan, Policy policy) {
        LocalBrokers local = new LocalBrokers();
        try {
            local.add("Kafka", plan.kafka(), policy, KafkaKraftBroker::start);
            local.add("NATS", plan.nats(), policy, NatsServer::start);
            local.add("RabbitMQ", plan.rabbitMq(), policy, RabbitMqServer::start);
            local.add("MQTT", plan.mqtt(), policy, HiveMqBroker::start);
            local.add("Redis", plan.redis(), policy, EmbeddedRedis::start);
            // dev mode (standard ports) also serves the mails over IMAP on 3143
            int imapPort = policy == Policy.REUSE_OR_START_THERE ? DEV_IMAP_PORT : 0;
            local.add("SMTP", plan.smtp(), policy, port -> GreenMailSmtp.start(port, imapPort));
            return local;
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
    }

    private void add(String name, int port, Policy policy, IntFunction<LocalBroker> starter) {
        if (policy != Policy.START_OWN && Ports.answers(HOST, port)) {
            LOG.info("{}: using the server already listening on port {}", name, port);
            brokers.put(name, new Found(name, port));
            return;
        }
        int startPort = policy == Policy.REUSE_OR_START_ELSEWHERE ? Ports.free() : port;
        long started = System.nanoTime();
        brokers.put(name, starter.apply(startPort));
        LOG.info("{}: started on port {} in {} ms", name, startPort, (System.nanoTime() - started) / 1_000_000);
    }

    public LocalBroker get(String name) {
        LocalBroker broker = brokers.get(name);
        if (broker == null) {
            throw new IllegalArgumentException("no local broker named " + name);
        }
        return broker;
    }

    public List<LocalBroker> all() {
        return List.copyOf(brokers.values());
    }

    /** The hub settings that point at these brokers (the keys of application.properties). */
    public Map<String, String> hubSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("mstore.kafka.brokers", HOST + ":" + get("Kafka").port());
        settings.put("mstore.nats.servers", "nats://" + HOST + ":" + get("NATS").port());
        settings.put("mstore.rabbitmq.addresses", "amqp://guest:guest@" + HOST + ":" + get("RabbitMQ").port() + "/");
        settings.put("mstore.mqtt.server-uri", "tcp://" + HOST + ":" + get("MQTT").port());
        settings.put("mstore.redis.host", HOST);
        settings.put("mstore.redis.port", String.valueOf(get("Redis").port()));
        settings.put("mstore.smtp.host", HOST);
        settings.put("mstore.smtp.port", String.valueOf(get("SMTP").port()));
        return settings;
    }

    /** Stops, in reverse order, every server this harness started. */
    @Override
    public void close() {
        List<LocalBroker> reversed = new ArrayList<>(brokers.values());
        java.util.Collections.reverse(reversed);
        for (LocalBroker broker : reversed) {
            if (broker.startedHere()) {
                try {
                    broker.close();
                    LOG.info("{}: stopped", broker.name());
                } catch (RuntimeException e) {
                    LOG.warn("{}: could not stop cleanly: {}", broker.name(), e.getMessage());
                }
            }
        }
        brokers.clear();
    }
}

package com.mstore.hub.faults;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The soak's faults, drawn from a seed: the same seed and length give the same faults at the same
 * moments, so a run that broke a promise can be run again as it was.
 */
record FaultSchedule(long seed, List<Planned> faults) {

    /** What the soak can do to the hubs, the brokers and the SMTP server. */
    enum Fault {
        KILL_HUB("a hub killed (SIGKILL) and started again"),
        PAUSE_HUB("a hub stopped (SIGSTOP) past the consumer session timeout, then resumed"),
        RESTART_KAFKA("Kafka restarted"),
        RESTART_RABBITMQ("RabbitMQ restarted"),
        RESTART_NATS("NATS restarted"),
        RESTART_MQTT("the MQTT broker restarted"),
        RESTART_REDIS("Redis restarted (no persistence: it comes back empty)"),
        DROP_SMTP("every SMTP connection dropped"),
        SLOW_SMTP("the SMTP server answering each mail 3 s late, for 10 s"),
        PAUSE_REDIS("Redis paused (CLIENT PAUSE) for 3 s");

        final String description;

        Fault(String description) {
            this.description = description;
        }
    }

    /** A fault, when it starts (from the start of the traffic), and which hub it hits where it hits one. */
    record Planned(Duration at, Fault fault, int hub) {
    }

    /**
     * Every kind of fault once, in an order and on hubs drawn from the seed, spread evenly from a
     * few seconds into the traffic to a quarter of a minute before its end (a fault that takes
     * longer than its share delays the next).
     */
    static FaultSchedule everyKindOnce(long seed, Duration length) {
        Random random = new Random(seed);
        List<Fault> kinds = new ArrayList<>(List.of(Fault.values()));
        Collections.shuffle(kinds, random);
        long step = (length.toMillis() - 20_000) / kinds.size();
        List<Planned> faults = new ArrayList<>();
        for (int i = 0; i < kinds.size(); i++) {
            faults.add(new Planned(Duration.ofMillis(5_000 + i * step), kinds.get(i), random.nextInt(2)));
        }
        return new FaultSchedule(seed, List.copyOf(faults));
    }

    /** The first fault a few seconds into the traffic, then one every 6 to 12 s until the end, each hitting hub 0 or 1. */
    static FaultSchedule draw(long seed, Duration length) {
        Random random = new Random(seed);
        List<Planned> faults = new ArrayList<>();
        long at = 5_000;
        Fault[] kinds = Fault.values();
        // leave the last quarter of a minute to the faults' own recovery
        while (at < length.toMillis() - 15_000) {
            faults.add(new Planned(Duration.ofMillis(at), kinds[random.nextInt(kinds.length)], random.nextInt(2)));
            at += 6_000 + random.nextInt(6_000);
        }
        return new FaultSchedule(seed, List.copyOf(faults));
    }
}

package com.mstore.hub.faults;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.faults.FaultSchedule.Fault;
import com.mstore.hub.faults.SoakReport.FlowResult;
import com.mstore.hub.faults.SoakReport.Window;
import com.mstore.hub.local.GreenMailSmtp;
import com.mstore.hub.testing.KafkaClient;
import com.mstore.hub.testing.RabbitClient;
import jakarta.mail.MessagingException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Holds what a soak's traffic sent against what the brokers, Redis, the SMTP server and the users'
 * sockets have, flow by flow, and against each flow's promise (README, Guarantees):
 * <ul>
 * <li>transactions: every acknowledged transaction audited exactly once, none dead-lettered;</li>
 * <li>receipts and email jobs: each mailed; twice only for the jobs a fault could cut off between the
 * SMTP server's acceptance and the hub's record of it (one per worker of a killed hub, of every hub
 * when Redis restarted or paused);</li>
 * <li>devices: each device's registry entry at its newest acknowledged status;</li>
 * <li>orders, invalidations, notifications (at most once): anything missing was sent inside a fault's
 * window (from a second before it began until three after the hubs were ready again) of a fault
 * that can lose them; an order is created and reserved, so its read-model entry ends reserved.</li>
 * </ul>
 */
final class SoakCheck {

    private static final Logger LOG = LoggerFactory.getLogger(SoakCheck.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WORKERS_PER_HUB = 4;
    private static final long BEFORE_MS = 1_000;
    private static final long AFTER_MS = 3_000;

    private final Map<String, String> settings;
    private final MixedTraffic traffic;
    private final GreenMailSmtp smtp;
    private final Map<Long, List<String>> received;
    private final List<Window> windows;
    private final List<Long> users;
    private final long start;
    private final long trafficEnded;

    SoakCheck(Map<String, String> settings, MixedTraffic traffic, GreenMailSmtp smtp, Map<Long, List<String>> received,
              List<Window> windows, List<Long> users, long start, long trafficEnded) {
        this.settings = settings;
        this.traffic = traffic;
        this.smtp = smtp;
        this.received = received;
        this.windows = windows;
        this.users = users;
        this.start = start;
        this.trafficEnded = trafficEnded;
    }

    /** Waits until the persistent flows have done all they were given; what is still missing then is reported, not waited for. */
    void awaitDrained(Duration within) {
        try (KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
             RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"));
             Jedis redis = redis()) {
            await("the persistent flows drained").atMost(within).pollInterval(Duration.ofSeconds(1)).until(() ->
                    kafka.caughtUp(group("mstore.transactions.consumer-group"), settings.get("mstore.transactions.topic"))
                            && kafka.caughtUp(group("mstore.transactions.receipts-consumer-group"), settings.get("mstore.transactions.audit-topic"))
                            && rabbit.ready(settings.get("mstore.emails.queue")) == 0
                            && mailsByRecipient().keySet().containsAll(expectedMails())
                            && devicesBehind(redis).isEmpty());
        } catch (ConditionTimeoutException notDrained) {
            LOG.warn("The soak's flows did not drain in {}: the report says what is missing", within);
        }
    }

    SoakReport report(long seed, Duration length, int hubRestarts, List<String> readinessMissed) throws Exception {
        List<FlowResult> flows = new ArrayList<>();
        long kills = count(Fault.KILL_HUB);
        long redisCuts = count(Fault.RESTART_REDIS) + count(Fault.PAUSE_REDIS);
        long allowedTwice = WORKERS_PER_HUB * kills + 2L * WORKERS_PER_HUB * redisCuts;
        Map<String, Long> mails = mailsByRecipient();
        try (KafkaClient kafka = new KafkaClient(settings.get("mstore.kafka.brokers"));
             RabbitClient rabbit = new RabbitClient(settings.get("mstore.rabbitmq.addresses"));
             Jedis redis = redis()) {
            flows.add(transactions(kafka));
            flows.add(mailed("transaction receipts", "one receipt mail per audited transaction with an email",
                    traffic.receipts, mails, allowedTwice, 0));
            flows.add(mailed("emails", "each confirmed job mailed once (twice only as a fault allows)",
                    traffic.jobs.stream().map(job -> job.toLowerCase() + "@example.com").collect(Collectors.toSet()), mails,
                    allowedTwice, rabbit.ready(settings.get("mstore.emails.dlq"))));
            flows.add(devices(redis));
            flows.add(orders(redis));
            flows.add(invalidations(redis));
            flows.add(notifications());
        }
        SoakReport report = new SoakReport(seed, length.toSeconds(), hubRestarts, List.copyOf(windows), List.copyOf(readinessMissed), flows);
        LOG.info("Soak report:\n{}", report.markdown());
        return report;
    }

    private FlowResult transactions(KafkaClient kafka) {
        Map<String, Long> audited = kafka.readAll(settings.get("mstore.transactions.audit-topic")).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        long lost = traffic.transactions.stream().filter(code -> !audited.containsKey(code)).count();
        long twice = audited.values().stream().filter(n -> n > 1).count();
        long deadLettered = kafka.readAll(settings.get("mstore.transactions.dlq-topic")).size();
        boolean kept = lost == 0 && twice == 0 && deadLettered == 0;
        return new FlowResult("transactions", "exactly one audit record per acknowledged transaction", traffic.transactions.size(),
                audited.size(), 0, lost, twice, 0, deadLettered, kept, kept ? "" : lost + " lost, " + twice + " audited twice");
    }

    private FlowResult mailed(String flow, String promise, Set<String> recipients, Map<String, Long> mails, long allowedTwice,
                              long deadLettered) {
        long lost = recipients.stream().filter(to -> !mails.containsKey(to)).count();
        long twice = recipients.stream().filter(to -> mails.getOrDefault(to, 0L) > 1).count();
        boolean kept = lost == 0 && twice <= allowedTwice && deadLettered == 0;
        return new FlowResult(flow, promise, recipients.size(), recipients.stream().filter(mails::containsKey).count(), 0, lost,
                twice, allowedTwice, deadLettered, kept, kept ? "" : lost + " never mailed, " + twice + " mailed twice");
    }

    private FlowResult devices(Jedis redis) {
        List<String> behind = devicesBehind(redis);
        return new FlowResult("devices", "each device's registry entry at its newest acknowledged status (sent: devices, of "
                + traffic.statusesAcknowledged.get() + " statuses)", traffic.newestStatus.size(), traffic.newestStatus.size() - behind.size(),
                0, behind.size(), 0, 0, 0,
                behind.isEmpty(), behind.isEmpty() ? "" : "not at their newest status: " + behind);
    }

    private List<String> devicesBehind(Jedis redis) {
        return traffic.newestStatus.entrySet().stream()
                .filter(device -> !Instant.ofEpochSecond(device.getValue()).toString()
                        .equals(redis.hget("mstore:device:" + device.getKey(), "lastSeen")))
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** Orders: a read model in Redis, which restarts empty here, so only orders created after its last restart can be in it. */
    private FlowResult orders(Jedis redis) throws Exception {
        long since = windows.stream().filter(w -> w.fault() == Fault.RESTART_REDIS).mapToLong(w -> w.whole() + AFTER_MS).max().orElse(0);
        Set<Fault> losing = EnumSet.of(Fault.RESTART_NATS, Fault.KILL_HUB, Fault.PAUSE_HUB, Fault.PAUSE_REDIS, Fault.RESTART_REDIS);
        long inWindows = 0;
        List<String> lost = new ArrayList<>();
        List<String> notReserved = new ArrayList<>();
        long effects = 0;
        long considered = 0;
        for (Map.Entry<String, Long> order : traffic.orders.entrySet()) {
            if (order.getValue() < since || order.getValue() > trafficEnded - AFTER_MS) {
                continue;
            }
            considered++;
            String json = redis.hget("mstore:order:" + order.getKey(), "json");
            String status = json == null ? null : JSON.readTree(json).path("status").asText();
            if ("stock_reserved".equals(status)) {
                effects++;
            } else if (inWindow(order.getValue(), losing, -1)) {
                inWindows++;
            } else if (status == null) {
                lost.add(order.getKey());
            } else {
                notReserved.add(order.getKey() + " " + status);
            }
        }
        boolean kept = lost.isEmpty() && notReserved.isEmpty();
        return new FlowResult("orders", "at most once, losses only in a fault's window; created and reserved ends reserved"
                + (since > 0 ? " (sent: since Redis's last restart)" : ""), considered, effects, inWindows, lost.size() + notReserved.size(), 0, 0, 0, kept,
                kept ? "" : "lost " + first(lost) + ", not reserved " + first(notReserved));
    }

    private FlowResult invalidations(Jedis redis) {
        Set<Fault> losing = EnumSet.of(Fault.RESTART_REDIS, Fault.PAUSE_REDIS);
        long inWindows = 0;
        List<String> lost = new ArrayList<>();
        long effects = 0;
        long considered = 0;
        for (Map.Entry<String, Long> key : traffic.invalidatedKeys.entrySet()) {
            if (key.getValue() > trafficEnded - AFTER_MS) {
                continue;
            }
            considered++;
            if (!redis.exists(key.getKey())) {
                effects++;
            } else if (inWindow(key.getValue(), losing, -1)) {
                inWindows++;
            } else {
                lost.add(key.getKey());
            }
        }
        return new FlowResult("cache-invalidation", "at most once, losses only in a fault's window", considered, effects, inWindows, lost.size(), 0, 0, 0, lost.isEmpty(), lost.isEmpty() ? "" : "still cached: " + first(lost));
    }

    /** A user's socket is on hub 0 or 1 (the user's place in the list): its hub's kills and pauses, and Redis's, can lose. */
    private FlowResult notifications() throws Exception {
        long sent = 0;
        long effects = 0;
        long inWindows = 0;
        long twice = 0;
        List<String> lost = new ArrayList<>();
        for (int hub = 0; hub < users.size(); hub++) {
            long user = users.get(hub);
            Map<String, Long> counts = new java.util.HashMap<>();
            for (String pushed : received.get(user)) {
                counts.merge(JSON.readTree(pushed).path("message").asText(), 1L, Long::sum);
            }
            twice += counts.values().stream().filter(n -> n > 1).count();
            for (Map.Entry<String, Long> notification : traffic.notifications.get(user).entrySet()) {
                if (notification.getValue() > trafficEnded - AFTER_MS) {
                    continue;
                }
                sent++;
                if (counts.containsKey(notification.getKey())) {
                    effects++;
                } else if (inWindow(notification.getValue(), EnumSet.of(Fault.RESTART_REDIS, Fault.PAUSE_REDIS), -1)
                        || inWindow(notification.getValue(), EnumSet.of(Fault.KILL_HUB, Fault.PAUSE_HUB), hub)) {
                    inWindows++;
                } else {
                    lost.add(notification.getKey() + " (at " + (notification.getValue() - start) + " ms, to "
                            + traffic.notificationReceivers.get(notification.getKey()) + " subscribers)");
                }
            }
        }
        boolean kept = lost.isEmpty() && twice == 0;
        return new FlowResult("notifications", "at most once, losses only in a fault's window; never twice", sent, effects, inWindows,
                lost.size(), twice, 0, 0, kept, kept ? "" : "lost " + first(lost) + ", " + twice + " pushed twice");
    }

    /** Whether a message sent at this moment falls in the window of a fault of these kinds (on this hub, or any hub when -1). */
    private boolean inWindow(long at, Set<Fault> kinds, int hub) {
        return windows.stream().anyMatch(w -> kinds.contains(w.fault()) && (hub < 0 || w.hub() == hub)
                && at >= w.began() - BEFORE_MS && at <= w.whole() + AFTER_MS);
    }

    private long count(Fault fault) {
        return windows.stream().filter(w -> w.fault() == fault).count();
    }

    private Set<String> expectedMails() {
        Set<String> expected = new java.util.HashSet<>(traffic.receipts);
        traffic.jobs.forEach(job -> expected.add(job.toLowerCase() + "@example.com"));
        return expected;
    }

    private Map<String, Long> mailsByRecipient() {
        return Arrays.stream(smtp.mailbox().getReceivedMessages()).map(mail -> {
            try {
                return mail.getAllRecipients()[0].toString();
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private String group(String setting) {
        return settings.getOrDefault(setting, setting.endsWith("receipts-consumer-group") ? "mstore-audit-receipts" : "mstore-audit");
    }

    private Jedis redis() {
        return new Jedis(settings.get("mstore.redis.host"), Integer.parseInt(settings.get("mstore.redis.port")));
    }

    private static String first(List<String> items) {
        return items.size() <= 5 ? items.toString() : items.subList(0, 5) + " and " + (items.size() - 5) + " more";
    }
}

package com.mstore.hub.devices;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mstore.hub.errors.RejectedMessageException;
import com.mstore.hub.json.Timestamps;
import com.mstore.hub.redis.RedisScripts;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * The live registry of POS devices (CONTRACTS.md section 4): one Redis hash per device at
 * {@code mstore:device:{deviceId}}, and a sorted set by last-seen time that the offline sweep reads.
 * Updates run as Lua scripts, so several hub instances can apply statuses and sweep at once.
 */
public class DeviceRegistry {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAST_SEEN_INDEX = "mstore:devices:last-seen";
    private static final String NEW_DEVICES = "mstore:devices:new:";
    private static final String REGISTERED = "mstore:devices:registered";
    @SuppressWarnings("rawtypes")
    private static final RedisScript<List> UPDATE = RedisScripts.load("update-device", List.class);
    private static final RedisScript<Long> MARK_OFFLINE = RedisScripts.load("mark-offline", Long.class);

    private final StringRedisTemplate redis;
    private final int lowBatteryThreshold;
    private final long offlineAfterMillis;
    private final Clock clock;
    private final Timestamps timestamps;
    private final Limits limits;

    /**
     * What keeps the registry bounded: devices not heard from for {@code retentionMillis} expire;
     * at most {@code maxDevices} are registered at once, and at most {@code newDevicesPerWindow}
     * device ids the registry has never seen are taken per {@code windowMillis} (anyone who may
     * publish on MQTT could otherwise fill Redis with made-up ids); the offline sweep reads
     * {@code sweepBatch} devices at a time.
     */
    public record Limits(long retentionMillis, long maxDevices, long newDevicesPerWindow, long windowMillis, int sweepBatch) {
    }

    public DeviceRegistry(StringRedisTemplate redis, int lowBatteryThreshold, long offlineAfterMillis, Clock clock,
            Timestamps timestamps, Limits limits) {
        this.redis = redis;
        this.lowBatteryThreshold = lowBatteryThreshold;
        this.offlineAfterMillis = offlineAfterMillis;
        this.clock = clock;
        this.timestamps = timestamps;
        this.limits = limits;
    }

    /** The device a status topic devices/{deviceId}/status names; the payload must name the same. */
    public void checkTopic(@Header("CamelMqttTopic") String topic, @ExchangeProperty("status") DeviceStatus status) {
        String[] parts = topic == null ? new String[0] : topic.split("/");
        if (parts.length != 3 || !parts[0].equals("devices") || !parts[2].equals("status")) {
            throw new RejectedMessageException("unexpected-topic", "not a device status topic: " + topic);
        }
        if (!parts[1].equals(status.deviceId())) {
            throw new RejectedMessageException("device-mismatch",
                    "payload deviceId '" + status.deviceId() + "' differs from topic " + topic);
        }
    }

    /**
     * Applies a status; an older one than stored is ignored. Returns true when this status took the
     * battery below the threshold (the one moment a low-battery notification is due).
     *
     * <p>A status without {@code lastSeen} is a device's last will (its payload is fixed when the
     * device connects, so it cannot say when the connection was lost): it counts as "now", unless
     * it names its session ({@code connectedAt}) and the registry holds a status of a later
     * session: then the will waited somewhere (a restarting instance's session, a slow broker)
     * while the device came back, and it is ignored.
     */
    @SuppressWarnings("unchecked")
    public boolean apply(@ExchangeProperty("status") DeviceStatus status) {
        Instant now = clock.instant();
        boolean timed = status.lastSeen() != null && !status.lastSeen().isNull();
        Instant lastSeen = timed ? timestamps.read(status.lastSeen(), "lastSeen") : now;
        String session = status.connectedAt() == null || status.connectedAt().isNull() ? ""
                : String.valueOf(timestamps.read(status.connectedAt(), "connectedAt").toEpochMilli());
        long window = now.toEpochMilli() / limits.windowMillis();
        List<Long> result = redis.execute(UPDATE, List.of(key(status.deviceId()), LAST_SEEN_INDEX,
                NEW_DEVICES + limits.windowMillis() + ":" + window, REGISTERED),
                status.deviceId(), String.valueOf(status.online()),
                status.batteryLevel() == null ? "" : String.valueOf(status.batteryLevel()),
                lastSeen.toString(), String.valueOf(lastSeen.toEpochMilli()), now.toString(),
                String.valueOf(lowBatteryThreshold), status.branchId() == null ? "" : String.valueOf(status.branchId()),
                String.valueOf(limits.retentionMillis()), String.valueOf(limits.newDevicesPerWindow()),
                String.valueOf(limits.windowMillis()), session, timed ? "1" : "0", String.valueOf(now.toEpochMilli()),
                String.valueOf(limits.maxDevices()));
        if (result != null && !result.isEmpty() && result.get(0) == -1L) {
            throw new RejectedMessageException("too-many-new-devices", "device " + status.deviceId()
                    + " is new, and " + limits.newDevicesPerWindow() + " new devices have registered in the last "
                    + limits.windowMillis() / 1000 + " s (mstore.devices.max-new-per-window)");
        }
        if (result != null && !result.isEmpty() && result.get(0) == -2L) {
            throw new RejectedMessageException("registry-full", "device " + status.deviceId() + " is new, and the registry holds "
                    + limits.maxDevices() + " devices heard from within the retention (mstore.devices.max-devices)");
        }
        return result != null && result.size() == 2 && result.get(1) == 1L;
    }

    /**
     * Marks offline every device not heard from for the configured time; returns their ids. Reads
     * the silent devices a batch at a time; each one read leaves the index (marked offline, already
     * offline or expired), so the sweep ends and a later one never reads it again.
     */
    public List<String> markSilentDevicesOffline() {
        Instant now = clock.instant();
        long cutOff = now.toEpochMilli() - offlineAfterMillis;
        List<String> markedNow = new ArrayList<>();
        Set<String> silent;
        do {
            silent = redis.opsForZSet().rangeByScore(LAST_SEEN_INDEX, Double.NEGATIVE_INFINITY, cutOff - 1, 0, limits.sweepBatch());
            if (silent == null) {
                break;
            }
            for (String deviceId : silent) {
                Long marked = redis.execute(MARK_OFFLINE, List.of(key(deviceId), LAST_SEEN_INDEX),
                        String.valueOf(cutOff), now.toString(), deviceId);
                if (marked != null && marked == 1L) {
                    markedNow.add(deviceId);
                }
            }
        } while (silent.size() == limits.sweepBatch());
        return markedNow;
    }

    /** The registry entry as JSON, or null for a device never seen. */
    public String find(String deviceId) {
        Map<Object, Object> fields = redis.opsForHash().entries(key(deviceId));
        if (fields.isEmpty()) {
            return null;
        }
        ObjectNode entry = JSON.createObjectNode();
        entry.put("deviceId", deviceId);
        entry.put("online", Boolean.parseBoolean((String) fields.get("online")));
        if (fields.containsKey("batteryLevel")) {
            entry.put("batteryLevel", Integer.parseInt((String) fields.get("batteryLevel")));
        }
        entry.put("lastSeen", (String) fields.get("lastSeen"));
        entry.put("updatedAt", (String) fields.get("updatedAt"));
        if (fields.containsKey("branchId")) {
            entry.put("branchId", Long.parseLong((String) fields.get("branchId")));
        }
        return entry.toString();
    }

    /** The users of the device's branch (mstore:branch:{branchId}:users), none when the device names no branch. */
    public List<String> branchUsers(@ExchangeProperty("status") DeviceStatus status) {
        String branchId = (String) redis.opsForHash().get(key(status.deviceId()), "branchId");
        if (branchId == null) {
            return List.of();
        }
        Set<String> users = redis.opsForSet().members("mstore:branch:" + branchId + ":users");
        return users == null ? List.of() : users.stream().sorted().toList();
    }

    static String key(String deviceId) {
        return "mstore:device:" + deviceId;
    }
}

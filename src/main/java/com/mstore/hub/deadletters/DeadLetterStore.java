package com.mstore.hub.deadletters;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.flows.Flows;
import com.mstore.hub.redis.RedisScripts;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.Limit;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.connection.stream.ByteRecord;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Every flow's dead letters, kept in Redis (which every hub instance already shares and which
 * survives their restarts): one stream per flow, {@code {prefix}:{flow}}, newest last, at most
 * {@code maxPerFlow} entries (the oldest dropped first, and counted in {@code {prefix}:{flow}:dropped});
 * beside it a hash of counts by reason and a hash of each entry's replays. Keys of one flow share a
 * hash tag, so each script touches one Redis Cluster slot.
 *
 * <p>A stream, not a list or a sorted set: its entry ids are time-ordered and unique, so they are at
 * once the item ids, the order of the listing and the cursor of its pages (XREVRANGE with an exclusive
 * bound). Writes go through Lua scripts so the stream and its counts never disagree.
 */
public class DeadLetterStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] KEEP = RedisScripts.load("keep-dead-letter", String.class).getScriptAsString().getBytes(StandardCharsets.UTF_8);
    private static final byte[] DISCARD = RedisScripts.load("discard-dead-letter", Long.class).getScriptAsString().getBytes(StandardCharsets.UTF_8);
    private static final byte[] RECORD_REPLAY = RedisScripts.load("record-replay", Long.class).getScriptAsString().getBytes(StandardCharsets.UTF_8);
    /** Entries read per XREVRANGE while filtering by reason. */
    private static final int SCAN_STEP = 200;

    private final StringRedisTemplate redis;
    private final String prefix;
    private final Limits limits;
    private final long seenTtlSeconds;

    /**
     * How much a flow keeps: at most {@code entries} dead letters and {@code bytes} bytes of them (the
     * oldest dropped first); a listing shows each one's first {@code previewBytes} bytes, and a listing
     * filtered by reason reads at most {@code scanPerPage} entries of a flow before it answers (with a
     * cursor where it stopped).
     */
    public record Limits(int entries, long bytes, int previewBytes, int scanPerPage) {
        public Limits {
            if (entries < 1 || bytes < 1 || previewBytes < 1 || scanPerPage < 1) {
                throw new IllegalArgumentException("the dead-letter limits must be 1 or more: " + entries + " entries, " + bytes
                        + " bytes, " + previewBytes + " preview bytes, " + scanPerPage + " scanned per page");
            }
        }
    }

    /** What keeping one dead letter did: its id (null when it had been kept before) and how many old ones it pushed out. */
    public record Kept(String id, long dropped) {
    }

    /** One page of a listing, newest first; {@code next} is the cursor of the following page, or null. */
    public record Page(List<DeadLetter> items, String next) {
    }

    /** A flow's dead letters: how many are kept, by reason, and how many were dropped as the oldest. */
    public record Summary(String flow, long count, Map<String, Long> reasons, long dropped) {
    }

    public DeadLetterStore(StringRedisTemplate redis, String prefix, Limits limits, long seenTtlSeconds) {
        this.redis = redis;
        this.prefix = prefix;
        this.limits = limits;
        this.seenTtlSeconds = seenTtlSeconds;
    }

    /**
     * Keeps a dead letter. {@code seenAs}, when not null, names it for good (the offset of a record of
     * a Kafka dead-letter topic, say), so the same one read twice is kept once.
     */
    public Kept keep(DeadLetter.New letter, String seenAs) {
        return keep(letter, seenAs, seenTtlSeconds);
    }

    /** As {@link #keep(DeadLetter.New, String)}, with {@code seenAs} remembered for that many seconds only. */
    public Kept keep(DeadLetter.New letter, String seenAs, long seenForSeconds) {
        String flow = letter.flow();
        List<byte[]> keysAndArgs = new ArrayList<>();
        keysAndArgs.add(bytes(stream(flow)));
        keysAndArgs.add(bytes(reasons(flow)));
        keysAndArgs.add(bytes(replays(flow)));
        keysAndArgs.add(bytes(dropped(flow)));
        keysAndArgs.add(bytes(seenAs == null ? "" : key(flow, "seen:" + seenAs)));
        keysAndArgs.add(bytes(bodies(flow)));
        keysAndArgs.add(bytes(bytesKey(flow)));
        byte[] body = letter.body() == null ? new byte[0] : letter.body();
        keysAndArgs.add(bytes(String.valueOf(limits.entries())));
        keysAndArgs.add(bytes(String.valueOf(seenForSeconds)));
        keysAndArgs.add(bytes(letter.reason()));
        keysAndArgs.add(bytes(String.valueOf(limits.bytes())));
        keysAndArgs.add(body);
        int sizeArgument = keysAndArgs.size();
        keysAndArgs.add(null);
        field(keysAndArgs, "broker", bytes(letter.broker()));
        field(keysAndArgs, "reason", bytes(letter.reason()));
        field(keysAndArgs, "message", bytes(letter.message()));
        field(keysAndArgs, "errorType", bytes(letter.errorType() == null ? "" : letter.errorType()));
        field(keysAndArgs, "source", json(letter.source()));
        field(keysAndArgs, "failedAt", bytes(letter.failedAt()));
        field(keysAndArgs, "traceId", bytes(letter.traceId() == null ? "" : letter.traceId()));
        field(keysAndArgs, "preview", preview(body));
        field(keysAndArgs, "bodyBytes", bytes(String.valueOf(body.length)));
        field(keysAndArgs, "bodyCut", bytes(String.valueOf(letter.bodyCut())));
        // what the flow's byte bound counts: the body and every field kept with it
        long size = body.length + keysAndArgs.subList(sizeArgument + 1, keysAndArgs.size()).stream().mapToLong(value -> value.length).sum();
        keysAndArgs.set(sizeArgument, bytes(String.valueOf(size)));
        List<?> result = redis.execute((RedisCallback<List<?>>) connection -> connection.scriptingCommands()
                .eval(KEEP, ReturnType.MULTI, 7, keysAndArgs.toArray(byte[][]::new)));
        String entry = result == null ? "" : text(result.get(0));
        long dropped = result == null ? 0 : ((Number) result.get(1)).longValue();
        return new Kept(entry.isEmpty() ? null : flow + "." + entry, dropped);
    }

    public Optional<DeadLetter> find(String id) {
        Optional<Id> parsed = Id.parse(id);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        Id at = parsed.get();
        List<ByteRecord> found = redis.execute((RedisCallback<List<ByteRecord>>) connection -> connection.streamCommands()
                .xRange(bytes(stream(at.flow())), Range.closed(at.entry(), at.entry()), Limit.limit().count(1)));
        if (found == null || found.isEmpty()) {
            return Optional.empty();
        }
        byte[] body = redis.execute((RedisCallback<byte[]>) connection -> connection.hashCommands()
                .hGet(bytes(bodies(at.flow())), bytes(at.entry())));
        return Optional.of(toDeadLetter(at.flow(), found.get(0), replaysOf(at.flow(), List.of(at.entry())), body));
    }

    /** A body's first part for a listing: whole characters when it is UTF-8. */
    private byte[] preview(byte[] body) {
        if (body.length <= limits.previewBytes()) {
            return body;
        }
        int end = limits.previewBytes();
        // not inside a UTF-8 character: back to its first byte
        while (end > 0 && (body[end] & 0xC0) == 0x80) {
            end--;
        }
        return java.util.Arrays.copyOf(body, end);
    }

    /**
     * Newest first, of one flow or of all (merged by time), only those with {@code reason} when it is
     * not null; {@code cursor} is a page's {@code next}, or null for the first page.
     */
    public Page list(List<String> flows, String reason, int limit, String cursor) {
        Optional<Id> after = cursor == null ? Optional.empty() : Id.parse(cursor);
        if (cursor != null && after.isEmpty()) {
            throw new IllegalArgumentException("not a cursor of this listing: " + cursor);
        }
        List<DeadLetter> merged = new ArrayList<>();
        // the newest place a flow's scan stopped short at (the listing can go no further this page)
        Id stoppedAt = null;
        for (String flow : flows) {
            // after the cursor in the merged order (time, then flow): flows sorting before the cursor's
            // may still hold an entry of the cursor's very id
            String upper = after.map(id -> flow.compareTo(id.flow()) < 0 ? id.entry() : "(" + id.entry()).orElse("+");
            Scan scan = newest(flow, reason, limit + 1, upper);
            merged.addAll(scan.found());
            if (scan.stoppedAt() != null) {
                Id stopped = Id.parse(flow + "." + scan.stoppedAt()).orElseThrow();
                if (stoppedAt == null || Id.ORDER.compare(stopped, stoppedAt) > 0) {
                    stoppedAt = stopped;
                }
            }
        }
        merged.sort(NEWEST_FIRST);
        if (stoppedAt != null) {
            // nothing older than where a scan stopped: that flow's older ones are not read yet
            Id bound = stoppedAt;
            merged.removeIf(letter -> Id.ORDER.compare(Id.parse(letter.id()).orElseThrow(), bound) < 0);
        }
        if (merged.size() > limit) {
            List<DeadLetter> page = List.copyOf(merged.subList(0, limit));
            return new Page(page, page.get(limit - 1).id());
        }
        return new Page(merged, stoppedAt == null ? null : stoppedAt.flow() + "." + stoppedAt.entry());
    }

    /** Records a replay of a dead letter; returns how many it has had, or -1 when it is gone. */
    public long recordReplay(String id, Map<String, Object> replay) {
        Id at = Id.parse(id).orElseThrow(() -> new IllegalArgumentException("not a dead-letter id: " + id));
        String flow = at.flow();
        Long count = redis.execute((RedisCallback<Long>) connection -> connection.scriptingCommands().eval(RECORD_REPLAY,
                ReturnType.INTEGER, 2, bytes(stream(flow)), bytes(replays(flow)), bytes(at.entry()), json(replay)));
        return count == null ? -1 : count;
    }

    /** Discards a dead letter; false when there was no such one. */
    public boolean discard(String id) {
        Optional<Id> parsed = Id.parse(id);
        if (parsed.isEmpty()) {
            return false;
        }
        String flow = parsed.get().flow();
        Long removed = redis.execute((RedisCallback<Long>) connection -> connection.scriptingCommands().eval(DISCARD,
                ReturnType.INTEGER, 5, bytes(stream(flow)), bytes(reasons(flow)), bytes(replays(flow)), bytes(bodies(flow)),
                bytes(bytesKey(flow)), bytes(parsed.get().entry())));
        return removed != null && removed == 1;
    }

    public Summary summary(String flow) {
        String id = flow;
        Long count = redis.execute((RedisCallback<Long>) connection -> connection.streamCommands().xLen(bytes(stream(id))));
        Map<String, Long> byReason = new java.util.TreeMap<>();
        redis.opsForHash().entries(reasons(id)).forEach((reason, n) -> byReason.put(reason.toString(), Long.parseLong(n.toString())));
        String dropped = redis.opsForValue().get(dropped(id));
        return new Summary(id, count == null ? 0 : count, byReason, dropped == null ? 0 : Long.parseLong(dropped));
    }

    public long stored(String flow) {
        Long count = redis.execute((RedisCallback<Long>) connection -> connection.streamCommands().xLen(bytes(stream(flow))));
        return count == null ? 0 : count;
    }

    /** The bytes a flow's dead letters take in Redis, as its bound counts them. */
    public long storedBytes(String flow) {
        String value = redis.opsForValue().get(bytesKey(flow));
        return value == null ? 0 : Long.parseLong(value);
    }

    /** What one flow's part of a listing found, and where it stopped short (null: it read all it needed). */
    private record Scan(List<DeadLetter> found, String stoppedAt) {
    }

    private Scan newest(String flow, String reason, int wanted, String upper) {
        List<DeadLetter> found = new ArrayList<>();
        String bound = upper;
        int scanned = 0;
        while (found.size() < wanted) {
            if (scanned >= limits.scanPerPage()) {
                return new Scan(found, bound.substring(1));
            }
            String from = bound;
            int step = reason == null ? wanted - found.size() : Math.min(SCAN_STEP, limits.scanPerPage() - scanned);
            List<ByteRecord> records = redis.execute((RedisCallback<List<ByteRecord>>) connection -> connection.streamCommands()
                    .xRevRange(bytes(stream(flow)), range(from), Limit.limit().count(step)));
            if (records == null || records.isEmpty()) {
                break;
            }
            scanned += records.size();
            List<ByteRecord> matching = records.stream()
                    .filter(record -> reason == null || reason.equals(text(record.getValue().get(bytesKey(record, "reason")))))
                    .limit(wanted - found.size()).toList();
            Map<String, List<Map<String, Object>>> replays = replaysOf(flow, matching.stream().map(r -> r.getId().getValue()).toList());
            matching.forEach(record -> found.add(toDeadLetter(flow, record, replays, null)));
            if (records.size() < step) {
                break;
            }
            bound = "(" + records.get(records.size() - 1).getId().getValue();
        }
        return new Scan(found, null);
    }

    /** Entries up to {@code upper} ("+", an id, or "(id" for below it), newest first. */
    private static Range<String> range(String upper) {
        if (upper.equals("+")) {
            return Range.unbounded();
        }
        return upper.startsWith("(")
                ? Range.of(Range.Bound.unbounded(), Range.Bound.exclusive(upper.substring(1)))
                : Range.of(Range.Bound.unbounded(), Range.Bound.inclusive(upper));
    }

    private Map<String, List<Map<String, Object>>> replaysOf(String flow, List<String> entries) {
        Map<String, List<Map<String, Object>>> byEntry = new LinkedHashMap<>();
        if (entries.isEmpty()) {
            return byEntry;
        }
        List<Object> values = redis.opsForHash().multiGet(replays(flow), List.copyOf(entries));
        for (int i = 0; i < entries.size(); i++) {
            Object value = values.get(i);
            if (value != null) {
                try {
                    byEntry.put(entries.get(i), JSON.readValue(value.toString(), new TypeReference<>() { }));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("the replays of dead letter " + entries.get(i) + " are not JSON", e);
                }
            }
        }
        return byEntry;
    }

    /** {@code body} the whole body kept, or null for the entry's preview (a listing). */
    private static DeadLetter toDeadLetter(String flow, ByteRecord record, Map<String, List<Map<String, Object>>> replays, byte[] body) {
        Map<String, byte[]> fields = new LinkedHashMap<>();
        record.getValue().forEach((name, value) -> fields.put(text(name), value));
        String entry = record.getId().getValue();
        Map<String, Object> source;
        try {
            source = JSON.readValue(fields.getOrDefault("source", bytes("{}")), new TypeReference<>() { });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the source of dead letter " + entry + " is not JSON", e);
        }
        String traceId = text(fields.get("traceId"));
        String errorType = text(fields.get("errorType"));
        // entries kept before bodies had a hash of their own hold the body itself
        byte[] shown = body != null ? body : fields.containsKey("preview") ? fields.get("preview") : fields.getOrDefault("body", new byte[0]);
        String bodyBytes = text(fields.get("bodyBytes"));
        return new DeadLetter(flow + "." + entry, flow, text(fields.get("broker")), text(fields.get("reason")), text(fields.get("message")),
                errorType == null || errorType.isEmpty() ? null : errorType, source,
                text(fields.get("failedAt")), traceId == null || traceId.isEmpty() ? null : traceId,
                shown, bodyBytes == null ? shown.length : Long.parseLong(bodyBytes), "true".equals(text(fields.get("bodyCut"))),
                replays.getOrDefault(entry, List.of()));
    }

    private static byte[] bytesKey(ByteRecord record, String name) {
        return record.getValue().keySet().stream().filter(key -> name.equals(text(key))).findFirst().orElse(null);
    }

    private static final Comparator<DeadLetter> NEWEST_FIRST = Comparator
            .comparing((DeadLetter letter) -> Id.parse(letter.id()).orElseThrow(), Id.ORDER).reversed();

    /** An item id, {@code {flow}.{millis}-{sequence}}. */
    record Id(String flow, long millis, long sequence) {

        static final Comparator<Id> ORDER = Comparator.comparingLong(Id::millis).thenComparingLong(Id::sequence)
                .thenComparing(Id::flow);

        String entry() {
            return millis + "-" + sequence;
        }

        static Optional<Id> parse(String text) {
            if (text == null) {
                return Optional.empty();
            }
            int dot = text.lastIndexOf('.');
            int dash = text.lastIndexOf('-');
            if (dot < 1 || dash < dot + 2 || dash == text.length() - 1) {
                return Optional.empty();
            }
            String flow = text.substring(0, dot);
            if (!Flows.NAME.matcher(flow).matches()) {
                return Optional.empty();
            }
            try {
                long millis = Long.parseLong(text.substring(dot + 1, dash));
                long sequence = Long.parseLong(text.substring(dash + 1));
                return millis < 0 || sequence < 0 ? Optional.empty() : Optional.of(new Id(flow, millis, sequence));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    private String stream(String flow) {
        return prefix + ":{" + flow + "}";
    }

    private String reasons(String flow) {
        return key(flow, "reasons");
    }

    private String replays(String flow) {
        return key(flow, "replays");
    }

    private String dropped(String flow) {
        return key(flow, "dropped");
    }

    private String bodies(String flow) {
        return key(flow, "bodies");
    }

    private String bytesKey(String flow) {
        return key(flow, "bytes");
    }

    private String key(String flow, String part) {
        return stream(flow) + ":" + part;
    }

    private static void field(List<byte[]> args, String name, byte[] value) {
        args.add(bytes(name));
        args.add(value);
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write JSON", e);
        }
    }

    private static byte[] bytes(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }

    static String text(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof byte[] raw ? new String(raw, StandardCharsets.UTF_8) : value.toString();
    }

    /** For bodies that are not valid UTF-8: what the API shows beside the lossy text. */
    static String base64(byte[] body) {
        return Base64.getEncoder().encodeToString(body);
    }
}

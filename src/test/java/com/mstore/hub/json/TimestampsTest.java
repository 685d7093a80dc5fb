package com.mstore.hub.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mstore.hub.errors.RejectedMessageException;
import org.junit.jupiter.api.Test;

/** Event times as senders write them, read exactly, and refused when no clock could have made them. */
class TimestampsTest {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Instant NOW = Instant.parse("2026-12-01T19:42:34Z");
    private final Timestamps timestamps = new Timestamps(Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5));

    @Test
    void goTimeKeepsItsNanoseconds() throws Exception {
        assertThat(read("\"2026-12-01T19:42:34.402491737Z\"")).isEqualTo(Instant.ofEpochSecond(NOW.getEpochSecond(), 402_491_737));
        assertThat(read("\"2026-12-01T20:42:34.000000001+01:00\"")).isEqualTo(Instant.ofEpochSecond(NOW.getEpochSecond(), 1));
    }

    @Test
    void whatStrictRfc3339LeavesOutIsStillReadAsBefore() throws Exception {
        // no seconds, and an offset with seconds: java.time reads both, the strict fast path neither
        assertThat(read("\"2026-12-01T19:42Z\"")).isEqualTo(Instant.parse("2026-12-01T19:42:00Z"));
        assertThat(read("\"2026-12-01T20:42:34+01:00:00\"")).isEqualTo(NOW);
    }

    @Test
    void unixSecondsWithAndWithoutAFraction() throws Exception {
        assertThat(read("1764618154")).isEqualTo(Instant.ofEpochSecond(1764618154L));
        assertThat(read("1764618154.25")).isEqualTo(Instant.ofEpochSecond(1764618154L, 250_000_000));
    }

    @Test
    void aTimeWithinTheSkewIsTakenOneBeyondIsRefused() throws Exception {
        assertThat(read("\"2026-12-01T19:47:34Z\"")).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
        assertRefused("\"2026-12-01T19:47:34.000000001Z\"", "timestamp-in-future");
        assertRefused("\"9999-12-31T23:59:59Z\"", "timestamp-in-future");
        assertRefused("1764618154000", "timestamp-in-future");
    }

    @Test
    void numbersNoClockCanHoldAreInvalid() {
        assertRefused("99999999999999999999999", "invalid-payload");
        assertRefused("-99999999999999999999999", "invalid-payload");
        assertRefused("1e400", "invalid-payload");
        assertRefused("\"yesterday\"", "invalid-payload");
    }

    @Test
    void sortableTextOrdersAsTheTimesToTheNanosecond() {
        Instant early = Instant.parse("2026-12-01T19:42:34.402491737Z");
        Instant late = early.plusNanos(1);
        assertThat(Timestamps.sortable(early)).hasSize(21).isLessThan(Timestamps.sortable(late));
        assertThat(Timestamps.sortable(Instant.parse("0001-01-01T00:00:00Z"))).isEqualTo("000000000000000000000");
        assertThat(Timestamps.sortable(Instant.EPOCH)).isLessThan(Timestamps.sortable(early));
    }

    private Instant read(String json) throws Exception {
        JsonNode value = JSON.readTree(json);
        return timestamps.read(value, "updatedAt");
    }

    private void assertRefused(String json, String reason) {
        assertThatThrownBy(() -> read(json)).isInstanceOf(RejectedMessageException.class)
                .satisfies(e -> assertThat(((RejectedMessageException) e).reason()).isEqualTo(reason))
                .hasMessageContaining("updatedAt");
    }
}

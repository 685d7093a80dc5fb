package com.mstore.hub.json;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.ethlo.time.ITU;
import com.fasterxml.jackson.databind.JsonNode;
import com.mstore.hub.errors.RejectedMessageException;

/**
 * The times events carry, read at the precision they were sent with and checked against the clock.
 *
 * <p>An event's time decides what state wins, so a time far ahead (year 9999, a Unix number in
 * milliseconds where seconds were meant) would make every later event look older for ever: times
 * more than the allowed clock skew ahead of this hub's clock are refused ({@code
 * timestamp-in-future}), and a number no clock can hold is an {@code invalid-payload}.
 */
public final class Timestamps {

    /** Seconds from 0001-01-01T00:00:00Z to the Unix epoch: {@link #sortable} counts from year 1. */
    private static final long YEAR_ONE = 62_135_596_800L;
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    private final Clock clock;
    private final Duration maxSkew;

    public Timestamps(Clock clock, Duration maxSkew) {
        this.clock = clock;
        this.maxSkew = maxSkew;
    }

    /**
     * RFC 3339 at whatever precision it has (Go's {@code time.Now()} gives nanoseconds), or Unix
     * seconds, with a fraction if the number has one.
     *
     * @param field the payload's field, for the rejection's message
     */
    public Instant read(JsonNode value, String field) {
        Instant time = value.isNumber() ? unixSeconds(value, field) : rfc3339(value.asText(), field);
        Instant latest = clock.instant().plus(maxSkew);
        if (time.isAfter(latest)) {
            throw new RejectedMessageException("timestamp-in-future", field + " " + value.asText()
                    + " is more than " + maxSkew.toSeconds() + " s ahead of this hub's clock (" + clock.instant() + ")");
        }
        if (time.getEpochSecond() < -YEAR_ONE) {
            throw new RejectedMessageException("invalid-payload", field + " " + value.asText() + " is before the year 1");
        }
        return time;
    }

    /**
     * The time as text whose order is the times' order to the nanosecond (Lua numbers are doubles,
     * which cannot hold nanoseconds since 1970): 12 digits of seconds since the year 1, 9 of nanoseconds.
     */
    public static String sortable(Instant time) {
        return String.format("%012d%09d", time.getEpochSecond() + YEAR_ONE, time.getNano());
    }

    private static Instant unixSeconds(JsonNode value, String field) {
        try {
            BigDecimal seconds = value.decimalValue();
            BigDecimal whole = seconds.setScale(0, java.math.RoundingMode.FLOOR);
            long nanos = seconds.subtract(whole).multiply(NANOS_PER_SECOND).longValue();
            return Instant.ofEpochSecond(whole.longValueExact(), nanos);
        } catch (ArithmeticException | DateTimeException e) {
            throw new RejectedMessageException("invalid-payload", field + " " + value.asText()
                    + " is out of range for Unix seconds");
        }
    }

    /**
     * Read with ethlo's ITU, a strict RFC 3339 parser about fifteen times faster than java.time's
     * (each device status and order event carries a time: java.time's parsing was a fourteenth of
     * the device flow's CPU in make bench's profile). What it refuses still gets java.time's more
     * lenient reading (seconds left out, say), so no time accepted before is refused now.
     */
    private static Instant rfc3339(String text, String field) {
        try {
            return ITU.parseDateTime(text).toInstant();
        } catch (DateTimeException notStrictRfc3339) {
            // read below
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text);
            } catch (DateTimeParseException notRfc3339) {
                throw new RejectedMessageException("invalid-payload",
                        field + " '" + text + "' is neither RFC 3339 nor Unix seconds");
            }
        }
    }
}

package com.mstore.hub.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The load generator's send schedule: message n leaves at start + n / rate, or at once when the rate is 0. */
final class Pace {

    private final long start = System.nanoTime();
    private final long intervalNanos;

    Pace(int perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / perSecond;
    }

    void before(int message) {
        if (intervalNanos == 0) {
            return;
        }
        long due = start + message * intervalNanos;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}

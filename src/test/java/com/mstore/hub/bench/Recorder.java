package com.mstore.hub.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.HdrHistogram.Histogram;

/**
 * One side's measurement of one run: when each numbered message was sent and when it was done,
 * end to end (sent by the load generator, done once the flow's work for it is finished).
 */
final class Recorder {

    private final Marker marker;
    private final long[] sentAt;
    private final AtomicIntegerArray done;
    private final CountDownLatch remaining;
    private final Histogram latencyNanos = new Histogram(TimeUnit.MINUTES.toNanos(5), 3);
    private volatile long firstSent;
    private volatile long lastDone;

    Recorder(Marker marker, int messages) {
        this.marker = marker;
        sentAt = new long[messages];
        done = new AtomicIntegerArray(messages);
        remaining = new CountDownLatch(messages);
    }

    /** The ids of this pass's messages: every pass has its own, so the hub's dedupe never skips one. */
    Marker marker() {
        return marker;
    }

    int messages() {
        return sentAt.length;
    }

    void sent(int message) {
        long now = System.nanoTime();
        if (message == 0) {
            firstSent = now;
        }
        sentAt[message] = now;
    }

    /** A message counts once, however often it was delivered. */
    void done(int message) {
        if (message < 0 || message >= sentAt.length || !done.compareAndSet(message, 0, 1)) {
            return;
        }
        long now = System.nanoTime();
        synchronized (latencyNanos) {
            latencyNanos.recordValue(Math.max(0, now - sentAt[message]));
        }
        lastDone = now;
        remaining.countDown();
    }

    /** Messages sent and not yet done. */
    long outstanding(int sent) {
        return sent - (sentAt.length - remaining.getCount());
    }

    void awaitAll(Duration patience, String what) throws InterruptedException {
        if (!remaining.await(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(what + ": " + remaining.getCount() + " of " + sentAt.length
                    + " messages not done within " + patience);
        }
    }

    double messagesPerSecond() {
        return sentAt.length / ((lastDone - firstSent) / 1e9);
    }

    double percentileMillis(double percentile) {
        synchronized (latencyNanos) {
            return latencyNanos.getValueAtPercentile(percentile) / 1e6;
        }
    }
}

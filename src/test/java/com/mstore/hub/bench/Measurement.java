package com.mstore.hub.bench;

/**
 * One side's result for one flow in one run: throughput at full speed, and latency at a fixed rate
 * (half what the hub managed in the warm-up, at most --latency-rate: low enough that no queue
 * builds up, so it shows each message's own path, and the same for both sides).
 */
record Measurement(double messagesPerSecond, double cpuMillisPer1000, int latencyRatePerSecond, double p50Millis,
                   double p99Millis, double p999Millis, long rssMegabytes) {
}

package com.mstore.hub.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A short soak (Soak): two hubs, every flow, and every kind of fault once, each broker restarted
 * among them, in an order drawn from a fixed seed. A broken promise fails it with the report's
 * table; {@code make soak} runs longer, with faults drawn at random from new seeds.
 */
class SoakTest {

    private static final long SEED = Long.parseLong(System.getProperty("mstore.soak.seed", "35"));
    private static final Duration LENGTH = Duration.ofSeconds(75);

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void everyKindOfFaultUnderTrafficOnEveryFlowKeepsEveryPromise() throws Exception {
        SoakReport report = new Soak(LENGTH, FaultSchedule.everyKindOnce(SEED, LENGTH), Path.of("target", "soak")).run();
        assertThat(report.faults()).as("faults applied").hasSize(FaultSchedule.Fault.values().length);
        assertThat(report.flows()).as("every flow carried traffic").allMatch(flow -> flow.sent() > 0);
        assertThat(report.kept()).as(report.markdown()).isTrue();
    }
}

package io.emailintel.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SteadyCpuTest {

    @Test
    void startUpAndShutdownFallOutsideTheWindow() {
        SteadyCpu cpu = new SteadyCpu();
        cpu.record(0, 5_000);      // JVM start-up: CPU without work
        cpu.record(10, 6_000);     // 10 %
        cpu.record(50, 10_000);
        cpu.record(90, 14_000);    // 90 %
        cpu.record(100, 30_000);   // shutdown

        assertThat(cpu.nanosPerUnit(100)).isEqualTo(100.0);
    }

    @Test
    void theFirstSamplePastEachBoundIsUsed() {
        SteadyCpu cpu = new SteadyCpu();
        cpu.record(5, 0);
        cpu.record(20, 1_000);
        cpu.record(95, 4_000);
        cpu.record(100, 9_000);

        assertThat(cpu.nanosPerUnit(100)).isEqualTo(40.0);
    }

    @Test
    void aRunShorterThanTheSamplingWindowHasNoSteadyState() {
        SteadyCpu cpu = new SteadyCpu();
        cpu.record(0, 1_000);
        cpu.record(100, 9_000);

        assertThat(cpu.nanosPerUnit(100)).isNaN();
        assertThat(new SteadyCpu().nanosPerUnit(100)).isNaN();
    }
}

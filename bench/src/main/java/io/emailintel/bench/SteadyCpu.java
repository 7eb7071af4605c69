package io.emailintel.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * CPU per unit of work in the steady state: samples of (work done so far, CPU time so far), and the CPU spent
 * between 10 % and 90 % of the work, per unit. JVM start-up, registration, the first JIT compilations and the
 * shutdown fall outside that window.
 */
final class SteadyCpu {

    static final double FROM = 0.1;
    static final double TO = 0.9;

    private record Sample(long done, long cpuNanos) {
    }

    private final List<Sample> samples = new ArrayList<>();

    /** One sample; {@code done} and {@code cpuNanos} never decrease. */
    synchronized void record(long done, long cpuNanos) {
        samples.add(new Sample(done, cpuNanos));
    }

    /**
     * CPU nanoseconds per unit between the first samples at or past 10 % and 90 % of {@code total}; NaN when the
     * samples do not span that window (a run too short for the sampling interval).
     */
    synchronized double nanosPerUnit(long total) {
        Sample from = firstAtLeast(FROM * total);
        Sample to = firstAtLeast(TO * total);
        if (from == null || to == null || to.done() <= from.done()) {
            return Double.NaN;
        }
        return (double) (to.cpuNanos() - from.cpuNanos()) / (to.done() - from.done());
    }

    private Sample firstAtLeast(double done) {
        for (Sample s : samples) {
            if (s.done() >= done) {
                return s;
            }
        }
        return null;
    }
}

package io.emailintel.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * CPU time (user + system) of the processes a run involves, in nanoseconds: far steadier than rates on a shared
 * machine, since another build's load delays a process without adding to its CPU time. Linux's {@code /proc/<pid>/stat}
 * counts utime and stime in clock ticks of USER_HZ, which is 100 on Linux (proc(5)).
 */
final class CpuTime {

    private static final long NANOS_PER_TICK = 10_000_000L;

    private CpuTime() {
    }

    /** This JVM's CPU time so far (the bench's clients, the FakeGraph or FakeOpenCti it hosts). */
    static long self() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /**
     * The local RabbitMQ's CPU time so far: every {@code beam.smp} process on this machine (the Erlang VM the
     * broker runs in), 0 when there is none (a remote broker: its CPU cannot be seen from here). The broker is
     * shared: other clients' traffic during a run counts too.
     */
    static long broker() {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .mapToLong(p -> ofStat(p.resolve("stat"), "(beam.smp)")).sum();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * The CPU time of this JVM's child processes that have exited and been waited for (cutime + cstime of
     * {@code /proc/self/stat}, proc(5)): exact for a child run from start to exit, where sampling its
     * {@code /proc/<pid>/stat} misses what it did after the last sample; 0 where there is no /proc.
     */
    static long reapedChildren() {
        try {
            String text = Files.readString(Path.of("/proc/self/stat"));
            String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** utime + stime from one {@code /proc/<pid>/stat}, when its command is {@code command}; else 0. */
    private static long ofStat(Path stat, String command) {
        try {
            String text = Files.readString(stat);
            int close = text.lastIndexOf(')');
            if (!text.substring(text.indexOf('('), close + 1).equals(command)) {
                return 0;
            }
            // after "pid (comm) ": state is field 3, so utime (14) and stime (15) are the 12th and 13th from here
            String[] f = text.substring(close + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return 0; // gone, or not readable
        }
    }

    /** CPU seconds per 1,000 of {@code units} (e-mails, messages); NaN when nothing was done. */
    static double secondsPerThousand(long nanos, long units) {
        return units <= 0 ? Double.NaN : nanos / 1e9 * 1000 / units;
    }
}

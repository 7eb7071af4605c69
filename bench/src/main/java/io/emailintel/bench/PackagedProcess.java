package io.emailintel.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged jar ({@code java -Xmx… -jar module.jar …}) running as its own process, with its output in a
 * log file and its ops endpoint on a free port; {@link #sample} keeps its peak heap (from /metrics), peak
 * RSS (VmHWM) and CPU time so far (user + system, {@link ProcessHandle.Info#totalCpuDuration}).
 */
final class PackagedProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();

    final String name;
    final Path log;
    final int opsPort;
    private final Process process;
    private volatile long peakHeapBytes;
    private volatile long peakRssKib;
    private volatile long cpuNanos;

    private PackagedProcess(String name, Process process, Path log, int opsPort) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.opsPort = opsPort;
    }

    /**
     * Starts {@code jar} with {@code args}; {@code env} is added to this process's environment, with
     * {@code OPS_PORT} set to a free port. A heap dump is written to {@code dir} on OutOfMemoryError, and the
     * JVM then exits (non-zero) instead of limping on without the thread that failed.
     */
    static PackagedProcess start(String name, Path jar, String xmx, List<String> jvmArgs, List<String> args,
                                 Map<String, String> env, Path dir) throws IOException {
        int opsPort = freePort();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + xmx, "-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=" + dir,
                "-XX:+ExitOnOutOfMemoryError"));
        cmd.addAll(jvmArgs);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        Path log = dir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("OPS_PORT", Integer.toString(opsPort));
        return new PackagedProcess(name, pb.start(), log, opsPort);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Polls /metrics and /proc once; cheap enough to call every ~100 ms. */
    void sample() {
        if (!process.isAlive()) {
            return;
        }
        peakRssKib = Math.max(peakRssKib, rssKib(process.pid()));
        sampleCpu();
        peakHeapBytes = Math.max(peakHeapBytes, heapUsed(opsPort));
    }

    /** Reads its CPU time only (cheap: one /proc read, no HTTP); returns it. */
    long sampleCpu() {
        long now = process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
        cpuNanos = Math.max(cpuNanos, now);
        return cpuNanos;
    }

    /**
     * Its CPU time (user + system) at the last sample: what it used after that sample (up to ~100 ms of a
     * sampling interval, its shutdown) is missing.
     */
    long cpuNanos() {
        return cpuNanos;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Whether its ops endpoint answers (the JVM is up and configured). */
    boolean opsUp() {
        return heapUsed(opsPort) > 0;
    }

    long peakHeapBytes() {
        return peakHeapBytes;
    }

    long peakRssKib() {
        return peakRssKib;
    }

    /** SIGTERM: the graceful stop. */
    void terminate() {
        process.destroy();
    }

    /** Waits for the exit; kills it when it takes longer than {@code atMost}. */
    int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(name + " did not exit within " + atMost + ":\n" + tail());
        }
        return process.exitValue();
    }

    void kill() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Throws, with the end of its log, unless it exited 0 without an OutOfMemoryError. */
    void requireCleanExit() throws IOException {
        int exit = process.exitValue();
        String text = logText();
        if (exit != 0 || text.contains("OutOfMemoryError")) {
            throw new IllegalStateException(name + " failed (exit " + exit + (text.contains("OutOfMemoryError")
                    ? ", OutOfMemoryError; heap dump in " + log.getParent() : "") + "):\n" + tail());
        }
    }

    private String tail() {
        try {
            String text = logText();
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** VmHWM (the process's peak RSS so far), in KiB; 0 where /proc is not available. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process has exited, or no /proc
        }
        return 0;
    }

    /** The sum of jvm_memory_used_bytes{area="heap"} from the process's /metrics; 0 when not reachable. */
    static long heapUsed(int port) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            for (String line : body.split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return (long) sum;
        } catch (IOException | RuntimeException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}

package io.emailintel.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of our processes started as its own JVM from the test class path, with exactly the environment the
 * test gives it (the test JVM's own environment is not inherited, so nothing leaks in unseen), in a working
 * directory of its own (no stray {@code ./config.yml} or {@code ./.env}), its standard output and error
 * captured together in one file: every line it writes.
 */
public final class JavaProcess implements AutoCloseable {

    private final Process process;
    private final Path output;

    private JavaProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /**
     * Starts {@code mainClass} with {@code args}.
     *
     * @param jvmOptions options before the class name, e.g. {@code -Djavax.net.ssl.trustStore=…}
     */
    public static JavaProcess start(Path workDir, Map<String, String> environment, List<String> jvmOptions,
                                    String mainClass, String... args) throws IOException {
        Files.createDirectories(workDir);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx256m");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(args));
        Path output = Files.createTempFile(workDir, "process-", ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment);
        return new JavaProcess(pb.start(), output);
    }

    /** Waits for the exit; a process still running after {@code timeout} is killed and the test fails. */
    public int waitFor(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("still running after " + timeout + "; output:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits for the exit. */
    public int stop(Duration timeout) throws InterruptedException, IOException {
        process.destroy();
        return waitFor(timeout);
    }

    /** Everything written to standard output and standard error so far. */
    public String output() throws IOException {
        return Files.readString(output, StandardCharsets.UTF_8);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Kills the process if it still runs (a failed test must not leave it behind). */
    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

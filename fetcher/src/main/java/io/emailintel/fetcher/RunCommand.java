package io.emailintel.fetcher;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.emailintel.cli.Cli;
import io.emailintel.cli.ConfigOptions;
import io.emailintel.cli.ExitCodes;
import io.emailintel.cli.Logging;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.ops.Health;
import io.emailintel.ops.OpsServer;
import io.emailintel.ops.QueueDepths;
import io.emailintel.retry.RetryPolicy;
import io.emailintel.topology.BrokerStartup;
import io.emailintel.topology.Topology;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run}: validate the configuration, declare the pipeline, then one fetch cycle every
 * {@code CONNECTOR_DURATION_PERIOD}, for each source of a {@code fetcher.sources} list on its own thread
 * ({@link SourceLoop}). SIGTERM (or SIGINT) finishes the page in hand, waits for its confirms, commits the cursor
 * and exits 0.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Poll the mailbox (the default command).")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
    /** Connecting at start-up: 15 s, 30 s, 1 min, … at most 5 min between tries. */
    private static final RetryPolicy BROKER_RETRY = RetryPolicy.exponential(Duration.ofSeconds(15),
            Duration.ofMinutes(5));

    @Mixin
    ConfigOptions options;

    @Option(names = "--once", description = "Run one fetch cycle of every source and exit: 0 on success, 1 when "
            + "one failed (each failed source is named).")
    boolean once;

    @Spec
    CommandSpec spec;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() throws Exception {
        Config config = options.load(FetcherSettings.schema());
        Logging.configure(config);
        Topology topology = CommonSettings.topology(config);
        onSignal("TERM");
        onSignal("INT");
        Clock clock = Clock.systemUTC();
        PrometheusMeterRegistry registry = OpsServer.newRegistry("fetcher");
        FetcherMetrics metrics = new FetcherMetrics(registry);
        Health health = new Health().require("broker", "not connected yet");
        List<SourceLoop> sources = new ArrayList<>();
        for (Config source : FetcherSettings.sources(config)) {
            health.require(SourceLoop.checkName(source), "no cycle yet");
            sources.add(new SourceLoop(source, metrics, health, clock, stop::get, spec.commandLine().getOut()));
        }
        boolean listed = !config.sections().isEmpty();
        Integer opsPort = config.get(CommonSettings.OPS_PORT);
        try (OpsServer ops = opsPort == null ? null : OpsServer.start(opsPort, registry, health)) {
            if (ops != null) {
                log.info("operations endpoint on port {}", ops.port());
            }
            if (!listed) {
                sources.get(0).prepare(); // the classic source: a bad Graph setting ends the process before the broker
            } else {
                log.info("{} source(s): {}", sources.size(), String.join(", ", sources.stream().map(SourceLoop::name)
                        .toList()));
            }
            Connection connection = connectAndDeclare(config, health, topology);
            if (connection == null) {
                return ExitCodes.OK; // stopped while waiting for the broker
            }
            try (connection; QueueDepths depths = new QueueDepths(connection, topology, registry, 15_000)) {
                if (!listed) {
                    SourceLoop source = sources.get(0);
                    if (once) {
                        return source.cycle(connection, topology) ? ExitCodes.OK : ExitCodes.FAILURE;
                    }
                    source.run(connection, topology, stopped);
                } else {
                    int code = runAll(sources, connection, topology);
                    if (once) {
                        return code;
                    }
                }
            }
        }
        log.info("stopped");
        return ExitCodes.OK;
    }

    /**
     * Every listed source on a thread of its own, until a stop ({@code run}) or after one cycle each
     * ({@code run --once}: exit 1 naming every source that failed).
     */
    private int runAll(List<SourceLoop> sources, Connection connection, Topology topology)
            throws InterruptedException {
        Map<SourceLoop, Boolean> outcome = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        for (SourceLoop source : sources) {
            Thread t = new Thread(() -> {
                try {
                    if (once) {
                        outcome.put(source, source.cycle(connection, topology));
                    } else {
                        source.run(connection, topology, stopped);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException | Error e) {
                    log.error("source {} stopped: {}", source.name(), Cli.describe(e), e);
                }
            }, "source-" + source.name());
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        List<String> failed = new ArrayList<>();
        for (SourceLoop source : sources) {
            if (once && !Boolean.TRUE.equals(outcome.get(source))) {
                failed.add(source.name() + " (" + (source.lastFailure() == null ? "stopped"
                        : source.lastFailure()) + ")");
            }
        }
        if (failed.isEmpty()) {
            return ExitCodes.OK;
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("run --once: " + failed.size() + " of " + sources.size() + " source(s) failed: "
                + String.join("; ", failed));
        err.flush();
        return ExitCodes.FAILURE;
    }

    /**
     * Connects and declares the pipeline; with {@code run} (not {@code --once}) an unreachable broker is retried
     * with back-off, and so is a connection lost while declaring (amqp-client's automatic recovery only starts
     * once we hold the connection, and the declare would otherwise end the process). What {@link BrokerStartup}
     * does not call network — a refused login or vhost, a TLS refusal, a declare refused on a connection that
     * stays open (e.g. a queue with other arguments) — is a configuration error and is thrown.
     */
    private Connection connectAndDeclare(Config config, Health health, Topology topology) throws Exception {
        RetryPolicy policy = BROKER_RETRY.retryOn(e -> !once && BrokerStartup.isNetworkFailure(e));
        try {
            return policy.run(() -> {
                Connection c = null;
                try {
                    c = CommonSettings.brokerUri(config).connect("email-intel-fetcher");
                    health.follow("broker", c);
                    topology.declare(c);
                    log.info("pipeline declared: {}", topology);
                    return c;
                } catch (IOException | TimeoutException | ShutdownSignalException e) {
                    // a declare refused on an open connection is a channel error: BrokerStartup calls it
                    // configuration, so it is thrown, not retried
                    if (c != null) {
                        c.abort();
                    }
                    throw e;
                }
            }, wait -> {
                if (stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new InterruptedException("stop requested");
                }
            }, (e, failures, wait) -> {
                log.error("broker {} unreachable ({}); retrying in {}", config.get(CommonSettings.RABBITMQ_URI),
                        Cli.describe(e), wait);
                health.down("broker", "unreachable");
            });
        } catch (InterruptedException e) {
            if (stop.get()) {
                return null;
            }
            throw e;
        }
    }

    // sun.misc.Signal: the JDK's only way to turn SIGTERM into a graceful stop that exits 0 (a shutdown hook
    // cannot change the exit status)
    private void onSignal(String name) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                log.info("SIG{} received: finishing the page in hand, then stopping", name);
                stop.set(true);
                stopped.countDown();
            });
        } catch (IllegalArgumentException e) {
            log.debug("cannot handle SIG{}: {}", name, e.getMessage());
        }
    }
}

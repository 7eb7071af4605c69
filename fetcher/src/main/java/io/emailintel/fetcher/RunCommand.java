package io.emailintel.fetcher;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.emailintel.cli.Cli;
import io.emailintel.cli.ConfigOptions;
import io.emailintel.cli.ExitCodes;
import io.emailintel.cli.Logging;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.fetcher.eml.EmlCycle;
import io.emailintel.fetcher.eml.EmlEnvelopes;
import io.emailintel.fetcher.eml.RawMail;
import io.emailintel.fetcher.imap.ImapAccount;
import io.emailintel.fetcher.imap.ImapCycle;
import io.emailintel.fetcher.imap.ImapFolderNotFoundException;
import io.emailintel.fetcher.graph.FolderPath;
import io.emailintel.fetcher.graph.GraphMailbox;
import io.emailintel.fetcher.graph.Sleeper;
import io.emailintel.fetcher.state.CorruptStateException;
import io.emailintel.fetcher.state.CursorStore;
import io.emailintel.ops.Health;
import io.emailintel.ops.OpsServer;
import io.emailintel.ops.QueueDepths;
import io.emailintel.retry.RetryPolicy;
import io.emailintel.topology.BrokerStartup;
import io.emailintel.topology.Topology;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
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
 * {@code CONNECTOR_DURATION_PERIOD}. SIGTERM (or SIGINT) finishes the page in hand, waits for its confirms,
 * commits the cursor and exits 0.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Poll the mailbox (the default command).")
final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
    /** Connecting at start-up: 15 s, 30 s, 1 min, … at most 5 min between tries. */
    private static final RetryPolicy BROKER_RETRY = RetryPolicy.exponential(Duration.ofSeconds(15),
            Duration.ofMinutes(5));
    /** After a failed cycle: the same back-off, never longer than the period. */
    private static final RetryPolicy CYCLE_RETRY = BROKER_RETRY;

    @Mixin
    ConfigOptions options;

    @Option(names = "--once", description = "Run one fetch cycle and exit: 0 on success, 1 on failure.")
    boolean once;

    @Spec
    CommandSpec spec;

    private final AtomicBoolean stop = new AtomicBoolean();
    /** Built once: it holds the cached OAuth token. */
    private ImapAccount imapAccount;
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
        Health health = new Health().require("broker", "not connected yet").require("last-cycle", "no cycle yet");
        Integer opsPort = config.get(CommonSettings.OPS_PORT);
        try (OpsServer ops = opsPort == null ? null : OpsServer.start(opsPort, registry, health)) {
            if (ops != null) {
                log.info("operations endpoint on port {}", ops.port());
            }
            boolean graph = FetcherSettings.isGraph(config);
            GraphMailbox mailbox = graph ? FetcherRuntime.mailbox(config, FetcherRuntime.credential(config),
                    Sleeper.SYSTEM, clock, metrics) : null;
            CursorStore store = graph ? FetcherRuntime.cursorStore(config) : null;
            Duration period = config.get(FetcherSettings.DURATION_PERIOD);
            Connection connection = connectAndDeclare(config, health, topology);
            if (connection == null) {
                return ExitCodes.OK; // stopped while waiting for the broker
            }
            try (connection; QueueDepths depths = new QueueDepths(connection, topology, registry, 15_000)) {
                int failures = 0;
                while (!stop.get()) {
                    boolean ok = cycle(config, mailbox, store, connection, topology, clock, metrics, health);
                    if (once) {
                        return ok ? ExitCodes.OK : ExitCodes.FAILURE;
                    }
                    failures = ok ? 0 : failures + 1;
                    Duration wait = ok ? period : backoff(failures, period);
                    if (stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
            }
        }
        log.info("stopped");
        return ExitCodes.OK;
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

    private boolean cycle(Config config, GraphMailbox mailbox, CursorStore store, Connection connection,
                          Topology topology, Clock clock, FetcherMetrics metrics, Health health) {
        if (FetcherSettings.isImap(config)) {
            return imapCycle(config, connection, topology, clock, metrics, health);
        }
        if (mailbox == null) {
            return emlCycle(config, connection, topology, clock, metrics, health);
        }
        FetchCycle cycle = new FetchCycle(mailbox, store, connection, topology, clock,
                config.get(FetcherSettings.EMAIL), config.get(FetcherSettings.INBOX),
                config.get(FetcherSettings.RELATIVE_IMPORT_START_DATE), config.get(FetcherSettings.SYNC_OVERLAP),
                config.get(FetcherSettings.CONFIRM_TIMEOUT), stop::get, metrics);
        return pass("fetch", clock, health, () -> {
            int published = cycle.run().published();
            int filtered = mailbox.filter().takeCount();
            if (filtered > 0) {
                log.info("fetch cycle: {} e-mail(s) filtered by triage rules", filtered);
            }
            return published;
        });
    }

    /** One pass over FETCHER_EML_DIR; the summary goes to standard output as well as to the log. */
    private boolean emlCycle(Config config, Connection connection, Topology topology, Clock clock,
                             FetcherMetrics metrics, Health health) {
        EmlCycle cycle = new EmlCycle(config.get(FetcherSettings.EML_DIR), config.get(FetcherSettings.STATE_DIR),
                new EmlEnvelopes(FetcherRuntime.attachmentPolicy(config), FetcherRuntime.listingFilter(config, metrics)),
                connection, topology, clock,
                config.get(FetcherSettings.CONFIRM_TIMEOUT), stop::get, new EmlCycle.Listener() {
                    @Override
                    public void read(io.emailintel.model.Envelope envelope) {
                        metrics.envelopeRead(envelope);
                    }

                    @Override
                    public void confirmed(int count) {
                        metrics.published(count);
                    }
                });
        return pass("eml", clock, health, () -> {
            EmlCycle.Outcome outcome = cycle.run();
            spec.commandLine().getOut().println(outcome.summary());
            spec.commandLine().getOut().flush();
            return outcome.published();
        });
    }

    /** One pass over the IMAP folder (read-only), from the UID the broker last confirmed. */
    private boolean imapCycle(Config config, Connection connection, Topology topology, Clock clock,
                              FetcherMetrics metrics, Health health) {
        if (imapAccount == null) {
            imapAccount = FetcherRuntime.imapAccount(config, clock);
        }
        ImapCycle cycle = new ImapCycle(imapAccount, FetcherRuntime.imapCursorStore(config),
                new RawMail(new EmlEnvelopes(FetcherRuntime.attachmentPolicy(config))), connection, topology, clock,
                config.get(FetcherSettings.RELATIVE_IMPORT_START_DATE), config.get(FetcherSettings.SYNC_OVERLAP),
                config.get(FetcherSettings.CONFIRM_TIMEOUT), stop::get, new ImapCycle.Listener() {
                    @Override
                    public void read(io.emailintel.model.Envelope envelope) {
                        metrics.envelopeRead(envelope);
                    }

                    @Override
                    public void confirmed(int count) {
                        metrics.published(count);
                    }

                    @Override
                    public void confirmLatency(Duration latency) {
                        metrics.confirmed(latency);
                    }
                });
        return pass("imap", clock, health, () -> cycle.run().published());
    }

    /** A cycle: it returns how many e-mails it published. */
    private interface Pass {
        int run() throws Exception;
    }

    /** Runs a cycle, reports it to readiness; only what no retry can fix ends the process. */
    private boolean pass(String kind, Clock clock, Health health, Pass pass) {
        try {
            int published = pass.run();
            health.up("last-cycle", "ok at " + clock.instant() + ", " + published + " published");
            return true;
        } catch (FolderPath.FolderNotFoundException | ImapFolderNotFoundException | CorruptStateException e) {
            throw e; // nothing a retry can fix: stop with the message
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop.set(true);
            return false;
        } catch (Exception e) {
            health.down("last-cycle", "failed at " + clock.instant() + ": " + e.getClass().getSimpleName());
            log.error("{} cycle failed, the cursor stays where it was: {}", kind, Cli.describe(e));
            log.debug("{} cycle failure", kind, e);
            return false;
        }
    }

    /** Waits after a failed cycle: 15 s, 30 s, 1 min, … at most 5 min and never longer than the period. */
    static Duration backoff(int failures, Duration period) {
        return CYCLE_RETRY.cappedAt(period).delayAfter(failures);
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

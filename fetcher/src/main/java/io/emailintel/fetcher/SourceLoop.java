package io.emailintel.fetcher;

import com.rabbitmq.client.Connection;
import io.emailintel.cli.Cli;
import io.emailintel.config.Config;
import io.emailintel.fetcher.eml.EmlCycle;
import io.emailintel.fetcher.eml.EmlEnvelopes;
import io.emailintel.fetcher.eml.RawMail;
import io.emailintel.fetcher.graph.FolderPath;
import io.emailintel.fetcher.graph.GraphMailbox;
import io.emailintel.fetcher.graph.Sleeper;
import io.emailintel.fetcher.imap.ImapAccount;
import io.emailintel.fetcher.imap.ImapCycle;
import io.emailintel.fetcher.imap.ImapFolderNotFoundException;
import io.emailintel.fetcher.state.CorruptStateException;
import io.emailintel.fetcher.triage.ListingFilter;
import io.emailintel.model.Envelope;
import io.emailintel.ops.Health;
import io.emailintel.retry.RetryPolicy;
import io.emailintel.topology.Topology;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetch cycles of one source, one after another: its own period, its own back-off after a failure, its own
 * cursor, readiness check and metrics, and its own publish channel and confirm tracking in each cycle (the cursor
 * moves only past what the broker confirmed for this source). A listed source that fails — a revoked secret, an
 * unreachable server, a missing folder, a corrupt cursor file — is logged with its name and retried on its own; the
 * other sources keep going. The one source of a classic configuration stops the process on what no retry can fix,
 * as before sources could be listed.
 */
final class SourceLoop {

    private static final Logger log = LoggerFactory.getLogger(SourceLoop.class);
    /** After a failed cycle: 15 s, 30 s, 1 min, … at most 5 min, and never longer than the period. */
    static final RetryPolicy CYCLE_RETRY = RetryPolicy.exponential(Duration.ofSeconds(15), Duration.ofMinutes(5));

    private final Config config;
    private final String name;
    private final boolean listed;
    private final String check;
    private final FetcherMetrics metrics;
    private final Health health;
    private final Clock clock;
    private final BooleanSupplier stop;
    private final PrintWriter out;
    /** Built once: the Graph client, and the IMAP account with its cached OAuth token. */
    private GraphMailbox mailbox;
    private ImapAccount imapAccount;
    private volatile String lastFailure;

    /**
     * @param config  the source's configuration (a section of the process's, or the process's own)
     * @param metrics the process's meters; a listed source labels its own with {@code source}
     * @param out     where an eml-dir cycle prints its summary
     */
    SourceLoop(Config config, FetcherMetrics metrics, Health health, Clock clock, BooleanSupplier stop,
               PrintWriter out) {
        this.config = config;
        this.name = FetcherSettings.sourceName(config);
        this.listed = config.sectionName().isPresent();
        this.check = checkName(config);
        this.metrics = listed ? metrics.forSource(name) : metrics;
        this.health = health;
        this.clock = clock;
        this.stop = stop;
        this.out = out;
    }

    /** The readiness check of a source: {@code source:<name>} when listed, {@code last-cycle} for the classic one. */
    static String checkName(Config source) {
        return source.sectionName().map(n -> "source:" + n).orElse("last-cycle");
    }

    String name() {
        return name;
    }

    /** Why the last cycle failed (a class and message, never a secret), or null after a success. */
    String lastFailure() {
        return lastFailure;
    }

    /** Builds what the cycles reuse; the Graph client of a classic source is built before the broker is reached. */
    void prepare() {
        if (FetcherSettings.isGraph(config) && mailbox == null) {
            mailbox = FetcherRuntime.mailbox(config, FetcherRuntime.credential(config), Sleeper.SYSTEM, clock, metrics);
        }
    }

    /** Cycles every period until a stop; after a failure it waits the back-off, capped at the period. */
    void run(Connection connection, Topology topology, CountDownLatch stopped) throws InterruptedException {
        Duration period = config.get(FetcherSettings.DURATION_PERIOD);
        int failures = 0;
        while (!stop.getAsBoolean()) {
            boolean ok = cycle(connection, topology);
            failures = ok ? 0 : failures + 1;
            Duration wait = ok ? period : backoff(failures, period);
            if (!ok && listed) {
                log.warn("source {}: next try in {}", name, wait);
            }
            if (stopped.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
        }
    }

    /** Waits after a failed cycle: 15 s, 30 s, 1 min, … at most 5 min and never longer than the period. */
    static Duration backoff(int failures, Duration period) {
        return CYCLE_RETRY.cappedAt(period).delayAfter(failures);
    }

    /**
     * One cycle, reported to readiness; true when it succeeded. For the classic source what no retry can fix is
     * thrown; a listed source reports it like any other failure.
     */
    boolean cycle(Connection connection, Topology topology) {
        try {
            prepare();
            int published;
            if (FetcherSettings.isImap(config)) {
                published = imapCycle(connection, topology);
            } else if (FetcherSettings.isGraph(config)) {
                published = graphCycle(connection, topology);
            } else {
                published = emlCycle(connection, topology);
            }
            lastFailure = null;
            health.up(check, "ok at " + clock.instant() + ", " + published + " published");
            return true;
        } catch (FolderPath.FolderNotFoundException | ImapFolderNotFoundException | CorruptStateException e) {
            if (!listed) {
                throw e; // nothing a retry can fix: stop with the message
            }
            return failed(e, "until it is fixed");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return failed(e, "the cursor stays where it was");
        }
    }

    private boolean failed(Exception e, String consequence) {
        lastFailure = Cli.describe(e);
        health.down(check, "failed at " + clock.instant() + ": " + e.getClass().getSimpleName());
        if (listed) {
            log.error("source {} ({}): cycle failed, {}: {}", name, config.get(FetcherSettings.SOURCE), consequence,
                    lastFailure);
        } else {
            log.error("{} cycle failed, the cursor stays where it was: {}", kind(), lastFailure);
        }
        log.debug("{} cycle failure", kind(), e);
        return false;
    }

    private String kind() {
        return FetcherSettings.isGraph(config) ? "fetch" : FetcherSettings.isImap(config) ? "imap" : "eml";
    }

    private int graphCycle(Connection connection, Topology topology) throws Exception {
        FetchCycle cycle = new FetchCycle(mailbox, FetcherRuntime.cursorStore(config), connection, topology, clock,
                config.get(FetcherSettings.EMAIL), config.get(FetcherSettings.INBOX),
                config.get(FetcherSettings.RELATIVE_IMPORT_START_DATE), config.get(FetcherSettings.SYNC_OVERLAP),
                config.get(FetcherSettings.CONFIRM_TIMEOUT), stop, metrics);
        int published = cycle.run().published();
        int filtered = mailbox.filter().takeCount();
        if (filtered > 0) {
            log.info("fetch cycle: {} e-mail(s) filtered by triage rules", filtered);
        }
        return published;
    }

    /** One pass over the directory; the summary goes to standard output as well as to the log. */
    private int emlCycle(Connection connection, Topology topology) throws Exception {
        EmlCycle cycle = new EmlCycle(config.get(FetcherSettings.EML_DIR), FetcherRuntime.emlCursorStore(config),
                new EmlEnvelopes(FetcherRuntime.attachmentPolicy(config), FetcherRuntime.listingFilter(config, metrics)),
                connection, topology, clock, config.get(FetcherSettings.CONFIRM_TIMEOUT), stop, new Counting());
        EmlCycle.Outcome outcome = cycle.run();
        synchronized (out) {
            out.println((listed ? "source " + name + ": " : "") + outcome.summary());
            out.flush();
        }
        return outcome.published();
    }

    /** One pass over the IMAP folder (read-only), from the UID the broker last confirmed. */
    private int imapCycle(Connection connection, Topology topology) throws Exception {
        if (imapAccount == null) {
            imapAccount = FetcherRuntime.imapAccount(config, clock);
        }
        ImapCycle cycle = new ImapCycle(imapAccount, FetcherRuntime.imapCursorStore(config),
                new RawMail(new EmlEnvelopes(FetcherRuntime.attachmentPolicy(config), ListingFilter.none(name))),
                connection, topology, clock, config.get(FetcherSettings.RELATIVE_IMPORT_START_DATE),
                config.get(FetcherSettings.SYNC_OVERLAP), config.get(FetcherSettings.CONFIRM_TIMEOUT), stop,
                new Counting());
        return cycle.run().published();
    }

    /** What the directory and IMAP cycles report goes to the source's meters. */
    private final class Counting implements EmlCycle.Listener, ImapCycle.Listener {
        @Override
        public void read(Envelope envelope) {
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
    }
}

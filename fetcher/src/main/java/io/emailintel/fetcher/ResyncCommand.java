package io.emailintel.fetcher;

import com.rabbitmq.client.Connection;
import io.emailintel.cli.ConfigOptions;
import io.emailintel.cli.ExitCodes;
import io.emailintel.cli.Logging;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.fetcher.graph.GraphMailbox;
import io.emailintel.fetcher.graph.Mailbox;
import io.emailintel.fetcher.graph.Sleeper;
import io.emailintel.fetcher.publish.EnvelopePublisher;
import io.emailintel.fetcher.publish.InFlight;
import io.emailintel.fetcher.publish.NotConfirmedException;
import io.emailintel.model.Envelope;
import io.emailintel.ops.OpsServer;
import io.emailintel.topology.Topology;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code resync --since DATE}: replay from the source. Every message of the folder received in the window is
 * fetched and published again, as its own fetch cycle; the stored cursor is neither read nor moved, so it is
 * safe while the fetcher runs. Re-published e-mails become the same reports (deterministic ids).
 */
@Command(name = "resync", mixinStandardHelpOptions = true,
        description = "Fetch and publish again every e-mail received since DATE (the cursor is left alone).")
final class ResyncCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions options;

    @Option(names = "--since", required = true, paramLabel = "DATE",
            description = "Start of the window: 2026-11-01 (UTC midnight) or 2026-11-01T08:00:00Z.")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "End of the window (exclusive); default: now.")
    String until;

    @Option(names = "--source", paramLabel = "NAME",
            description = "The Graph source to replay (required when fetcher.sources lists several).")
    String source;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Instant from = instant(since, "--since");
        Instant to = until == null ? null : instant(until, "--until");
        Config top = options.load(FetcherSettings.schema());
        Config config = StateCommand.pick(spec, top, source, false).get(0);
        if (!FetcherSettings.isGraph(config)) {
            throw new ParameterException(spec.commandLine(), "resync reads Microsoft Graph; with "
                    + (config.sectionName().isPresent() ? "source " + FetcherSettings.sourceName(config) + " of type "
                            : "FETCHER_SOURCE=") + config.get(FetcherSettings.SOURCE) + ", run `fetcher state reset"
                    + (config.sectionName().isPresent() ? " --source " + FetcherSettings.sourceName(config) : "")
                    + "` to send the " + (FetcherSettings.isImap(config) ? "look-back period" : "directory")
                    + " again");
        }
        Logging.configure(top);
        Clock clock = Clock.systemUTC();
        PrintWriter out = spec.commandLine().getOut();
        FetcherMetrics metrics = new FetcherMetrics(OpsServer.newRegistry("fetcher"));
        GraphMailbox mailbox = FetcherRuntime.mailbox(config, FetcherRuntime.credential(config), Sleeper.SYSTEM,
                clock, config.sectionName().isPresent() ? metrics.forSource(FetcherSettings.sourceName(config))
                        : metrics);
        Topology topology = CommonSettings.topology(config);
        String cycleId = "resync-" + UUID.randomUUID();
        int published = 0;
        try (Connection connection = CommonSettings.brokerUri(config).connect("email-intel-fetcher resync")) {
            topology.declare(connection);
            InFlight<String> inFlight = new InFlight<>();
            try (EnvelopePublisher publisher = new EnvelopePublisher(connection, topology, clock)) {
                Mailbox.Page page = mailbox.listSince(from);
                boolean done = false;
                while (!done) {
                    for (Mailbox.Item item : page.items()) {
                        if (to != null && item.receivedAt() != null && !item.receivedAt().isBefore(to)) {
                            done = true;
                            break;
                        }
                        Optional<Envelope> envelope = mailbox.envelope(item, cycleId);
                        if (envelope.isPresent()) {
                            inFlight.track(item.id(), publisher.publish(publisher.encode(envelope.get())));
                            published++;
                        }
                    }
                    try {
                        inFlight.awaitUnconfirmedAtMost(0, config.get(FetcherSettings.CONFIRM_TIMEOUT));
                    } catch (NotConfirmedException e) {
                        spec.commandLine().getErr().println("resync: " + e.getMessage() + "; " + published
                                + " sent, run the same command again (duplicates are harmless)");
                        return ExitCodes.FAILURE;
                    }
                    inFlight.committable(); // nothing to commit: the stored cursor is left alone
                    out.printf("resync: %d e-mail(s) published%n", published);
                    out.flush();
                    if (page.nextLink() == null || done) {
                        break;
                    }
                    page = mailbox.follow(page.nextLink(), false);
                }
            }
        }
        out.printf("resync done: %d e-mail(s) received since %s published again (fetch cycle %s)%n", published,
                from, cycleId);
        return ExitCodes.OK;
    }

    private Instant instant(String text, String option) {
        try {
            return text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), option + " expects 2026-11-01 or 2026-11-01T08:00:00Z, got '"
                    + text + "'");
        }
    }
}

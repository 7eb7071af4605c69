package io.emailintel.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.rabbitmq.client.Connection;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.config.ConfigSchema;
import io.emailintel.deadletter.DeadLetter;
import io.emailintel.deadletter.DeadLetterQueue;
import io.emailintel.deadletter.DeadLetterSelector;
import io.emailintel.topology.Topology;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code dlq list|show|replay|purge}: the dead-letter queue for operators, safe while ingesters run (see
 * {@link DeadLetterQueue}).
 */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Inspect, replay and purge dead-lettered e-mails.",
        subcommands = {DeadLetterCommand.ListCmd.class, DeadLetterCommand.Show.class,
                DeadLetterCommand.Replay.class, DeadLetterCommand.Purge.class})
public final class DeadLetterCommand implements Runnable {

    private final ConfigSchema schema;
    private final Clock clock;

    @Spec
    CommandSpec spec;

    public DeadLetterCommand(ConfigSchema schema, Clock clock) {
        this.schema = schema;
        this.clock = clock;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing subcommand: list, show, replay or purge");
    }

    /** Opens the broker, runs the work, closes. */
    private interface Work {
        int run(DeadLetterQueue queue, PrintWriter out, PrintWriter err) throws Exception;
    }

    private int withQueue(ConfigOptions options, CommandSpec commandSpec, Work work) throws Exception {
        Config config = options.load(schema);
        Logging.configure(config.get(CommonSettings.LOG_LEVEL), config.get(CommonSettings.LOG_FORMAT));
        Topology topology = CommonSettings.topology(config);
        try (Connection connection = CommonSettings.brokerUri(config).connect("email-intel-dlq")) {
            topology.declare(connection);
            return work.run(new DeadLetterQueue(connection, topology, clock), commandSpec.commandLine().getOut(),
                    commandSpec.commandLine().getErr());
        }
    }

    /** Selection options shared by list, replay and purge. */
    static final class Filters {
        @Option(names = "--reason", paramLabel = "REASON", description = "Only this failure reason.")
        String reason;

        @Option(names = "--since", paramLabel = "TIME",
                description = "Only those dead-lettered at or after TIME (2025-05-09 or 2025-05-09T10:00:00Z).")
        String since;

        @Option(names = "--sender", paramLabel = "TEXT", description = "Only senders whose address contains TEXT.")
        String sender;

        @Option(names = "--id", paramLabel = "ID", split = ",", description = "Only these envelope ids.")
        List<String> ids = new ArrayList<>();

        DeadLetterSelector selector(CommandSpec spec) {
            return new DeadLetterSelector(Set.copyOf(ids), reason, parseSince(spec), sender);
        }

        private Instant parseSince(CommandSpec spec) {
            if (since == null) {
                return null;
            }
            try {
                return since.length() == 10 ? LocalDate.parse(since).atStartOfDay(ZoneOffset.UTC).toInstant()
                        : Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw new ParameterException(spec.commandLine(),
                        "--since expects a date (2025-05-09) or an ISO-8601 instant (2025-05-09T10:00:00Z), got '"
                                + since + "'");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List dead-lettered e-mails.")
    static final class ListCmd implements Callable<Integer> {
        @ParentCommand
        DeadLetterCommand parent;
        @Mixin
        ConfigOptions options;
        @Mixin
        Filters filters;
        @Option(names = "--limit", defaultValue = "100", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "One JSON array instead of a table.")
        boolean json;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DeadLetterSelector selector = filters.selector(spec);
            return parent.withQueue(options, spec, (queue, out, err) -> {
                ProgressLine progress = new ProgressLine(err, "scanned");
                List<DeadLetter> letters = queue.list(selector, limit, progress);
                progress.done();
                if (json) {
                    out.println(jsonMapper().writeValueAsString(letters.stream().map(DeadLetterCommand::listView)
                            .toList()));
                } else {
                    out.print(DeadLetterTable.render(letters));
                    out.println(letters.size() + " shown" + (letters.size() == limit ? " (limit reached)" : ""));
                }
                out.flush();
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show one dead letter's headers and envelope metadata (never attachment bytes).")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        DeadLetterCommand parent;
        @Mixin
        ConfigOptions options;
        @Parameters(paramLabel = "ID", description = "The envelope id.")
        String id;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DeadLetterSelector selector = new DeadLetterSelector(Set.of(id), null, null, null);
            return parent.withQueue(options, spec, (queue, out, err) -> {
                List<DeadLetter> found = queue.list(selector, 1, DeadLetterQueue.Progress.NONE);
                if (found.isEmpty()) {
                    err.println("no dead letter with envelope id " + id);
                    err.flush();
                    return ExitCodes.FAILURE;
                }
                out.println(jsonMapper().writeValueAsString(found.get(0)));
                out.flush();
                return ExitCodes.OK;
            });
        }
    }

    /** What a moving command selects: some criterion, or --all explicitly. */
    static final class Selection {
        @ArgGroup(exclusive = false)
        Filters filters;
        @Option(names = "--all", description = "Every dead letter.")
        boolean all;

        DeadLetterSelector selector(CommandSpec spec) {
            if (all && filters != null) {
                throw new ParameterException(spec.commandLine(), "--all cannot be combined with other selectors");
            }
            if (all) {
                return DeadLetterSelector.all();
            }
            if (filters == null || !filters.selector(spec).isRestricted()) {
                throw new ParameterException(spec.commandLine(),
                        "say which dead letters: --id, --reason, --since, --sender, or --all");
            }
            return filters.selector(spec);
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Move dead letters back to the work queue, attempts reset and the replay recorded.")
    static final class Replay implements Callable<Integer> {
        @ParentCommand
        DeadLetterCommand parent;
        @Mixin
        ConfigOptions options;
        @ArgGroup(exclusive = false, multiplicity = "1")
        Selection selection;
        @Option(names = "--dry-run", description = "Only list what would move.")
        boolean dryRun;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DeadLetterSelector selector = selection.selector(spec);
            return parent.move(options, spec, dryRun, "replayed", "would replay",
                    (queue, matched, progress) -> queue.replay(selector, dryRun, matched, progress));
        }
    }

    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = "Delete dead letters for good (asks for --yes).")
    static final class Purge implements Callable<Integer> {
        @ParentCommand
        DeadLetterCommand parent;
        @Mixin
        ConfigOptions options;
        @ArgGroup(exclusive = false, multiplicity = "1")
        Selection selection;
        @Option(names = "--dry-run", description = "Only list what would be deleted.")
        boolean dryRun;
        @Option(names = "--yes", description = "Confirm the deletion.")
        boolean yes;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            DeadLetterSelector selector = selection.selector(spec);
            if (!dryRun && !yes) {
                throw new ParameterException(spec.commandLine(),
                        "purge deletes e-mails for good: add --yes (or --dry-run to see what it would delete)");
            }
            return parent.move(options, spec, dryRun, "purged", "would purge",
                    (queue, matched, progress) -> queue.purge(selector, dryRun, matched, progress));
        }
    }

    /** A walk that moves (or, dry, only matches) dead letters. */
    private interface Move {
        DeadLetterQueue.Outcome run(DeadLetterQueue queue, List<DeadLetter> matched, ProgressLine progress)
                throws Exception;
    }

    private int move(ConfigOptions options, CommandSpec commandSpec, boolean dryRun, String done, String would,
                     Move move) throws Exception {
        return withQueue(options, commandSpec, (queue, out, err) -> {
            List<DeadLetter> matched = new ArrayList<>();
            ProgressLine progress = new ProgressLine(err, done);
            DeadLetterQueue.Outcome outcome = move.run(queue, matched, progress);
            progress.done();
            for (String refusal : outcome.refused()) {
                err.println(refusal);
            }
            err.flush();
            return report(out, matched, outcome, dryRun, done, would);
        });
    }

    private static int report(PrintWriter out, List<DeadLetter> matched, DeadLetterQueue.Outcome outcome,
                              boolean dryRun, String done, String would) {
        if (dryRun) {
            out.print(DeadLetterTable.render(matched));
        }
        out.printf("scanned %d, matched %d, %s %d, failed %d%s%n", outcome.scanned(), outcome.matched(),
                dryRun ? would : done, dryRun ? outcome.matched() : outcome.moved(), outcome.failed(),
                outcome.refused().isEmpty() ? "" : ", refused " + outcome.refused().size());
        out.flush();
        return outcome.failed() == 0 && outcome.refused().isEmpty() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private static ObjectMapper jsonMapper() {
        return JsonMapper.builder().addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    private static java.util.Map<String, Object> listView(DeadLetter d) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("envelopeId", d.envelopeId());
        m.put("receivedAt", d.receivedAt());
        m.put("sender", d.sender());
        m.put("subject", d.subject());
        m.put("reason", d.reason());
        m.put("attempts", d.attempts());
        m.put("lastFailureAt", d.lastFailureAt());
        m.put("exceptionMessage", d.exceptionMessage());
        m.put("replayCount", d.replayCount());
        return m;
    }
}

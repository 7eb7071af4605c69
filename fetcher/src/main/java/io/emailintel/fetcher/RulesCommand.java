package io.emailintel.fetcher;

import io.emailintel.cli.ConfigOptions;
import io.emailintel.cli.ExitCodes;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.fetcher.eml.EmlEnvelopes;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeSource;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.EnvelopeHeader;
import io.emailintel.triage.MailFacts;
import io.emailintel.triage.Rules;
import io.emailintel.triage.TriageSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code rules test FILE.eml}: the envelope the fetcher would make of an e-mail file and whether its skip rules
 * filter it out before publishing; {@code --envelope-out} writes the envelope for {@code ingester rules test
 * --envelope}, which shows the report metadata. Nothing is sent.
 */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Try the triage rules.",
        subcommands = {RulesCommand.Test.class})
final class RulesCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: test");
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Print what the fetcher's triage rules decide for an .eml file (nothing is sent).")
    static final class Test implements Callable<Integer> {

        @Mixin
        ConfigOptions options;

        @Parameters(paramLabel = "FILE.eml", description = "An RFC 5322 e-mail file.")
        Path file;

        @Option(names = "--envelope-out", paramLabel = "FILE.json",
                description = "Write the envelope, for: ingester rules test --envelope FILE.json")
        Path envelopeOut;

        @Option(names = "--source", paramLabel = "NAME",
                description = "Decide as for an e-mail of the listed source NAME (rules matching source); "
                        + "default: the classic source, default.")
        String source;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Config config = options.load(CommonSettings.schema("fetcher", FetcherSettings.OWN,
                    List.of(TriageSettings.RULES_VALID)));
            Rules rules = TriageSettings.rules(config);
            EmlEnvelopes envelopes = new EmlEnvelopes(FetcherRuntime.attachmentPolicy(config));
            Envelope e = envelopes.envelopeOf(file, Clock.systemUTC().instant())
                    .withSourceName(source == null ? EnvelopeSource.DEFAULT_NAME : source);
            PrintWriter out = spec.commandLine().getOut();
            MailFacts facts = MailFacts.of(e);
            out.println("e-mail:         " + (e.subject().isBlank() ? "(no subject)" : e.subject()) + " — from "
                    + e.author().display());
            if (facts.forwarded()) {
                out.println("forwarded:      original sender " + facts.originalSender().display());
            }
            out.println("headers:        " + e.headers().size() + " carried" + listId(e));
            out.println("rules matched:  " + names(rules.matching(facts)));
            Optional<String> filtered = envelopes.wouldFilter(e, rules);
            out.println("fetcher:        " + filtered.map(r -> "filtered by rule \"" + r + "\": not published")
                    .orElse("published to the ingester, which decides author, TLP, labels and report types"));
            if (envelopeOut != null) {
                Files.write(envelopeOut, new EnvelopeCodec().encode(e));
                out.println("envelope:       " + envelopeOut + " (ingester rules test --envelope " + envelopeOut + ")");
            }
            out.flush();
            return ExitCodes.OK;
        }

        private static String names(List<io.emailintel.triage.Rule> rules) {
            return rules.isEmpty() ? "(none)" : String.join(", ", rules.stream().map(r -> r.name()).toList());
        }

        private static String listId(Envelope e) {
            for (EnvelopeHeader h : e.headers()) {
                if (h.name().equalsIgnoreCase("List-Id")) {
                    return " (List-Id: " + h.value() + ")";
                }
            }
            return "";
        }
    }
}

package io.emailintel.ingester;

import io.emailintel.cli.ConfigOptions;
import io.emailintel.cli.ExitCodes;
import io.emailintel.config.CommonSettings;
import io.emailintel.config.Config;
import io.emailintel.config.ConfigSchema;
import io.emailintel.ingester.stix.ReportBuilder;
import io.emailintel.ingester.stix.ReportDecision;
import io.emailintel.ingester.stix.ReportOptions;
import io.emailintel.ingester.stix.StixBundle;
import io.emailintel.ingester.stix.StixIds;
import io.emailintel.ingester.triage.TlpMarkers;
import io.emailintel.ingester.triage.Triage;
import io.emailintel.ingester.triage.TriageDecision;
import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeCodec;
import io.emailintel.model.PoisonEnvelopeException;
import io.emailintel.triage.TriageSettings;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code rules test --envelope FILE.json}: what the configured triage rules decide for one e-mail — the rules that
 * match and the report metadata that would result — without sending anything. An .eml file is first made into the
 * envelope the fetcher would send by {@code fetcher rules test FILE.eml --envelope-out FILE.json}.
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
            description = "Print which rules match an envelope and the report metadata that would result "
                    + "(nothing is sent). For an .eml file: fetcher rules test FILE.eml --envelope-out FILE.json.")
    static final class Test implements Callable<Integer> {

        @Mixin
        ConfigOptions options;

        @Option(names = "--envelope", required = true, paramLabel = "FILE.json",
                description = "An envelope as the fetcher publishes it (e.g. from fetcher rules test --envelope-out, "
                        + "or a dead letter's body).")
        Path envelope;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            // the rules and report settings only: trying rules needs no OpenCTI or broker
            ConfigSchema schema = CommonSettings.schema("ingester", IngesterSettings.OWN,
                    List.of(TriageSettings.RULES_VALID));
            Config config = options.load(schema);
            Envelope e;
            try {
                e = new EnvelopeCodec().decode(Files.readAllBytes(envelope));
            } catch (PoisonEnvelopeException ex) {
                spec.commandLine().getErr().println(envelope + " is not an envelope: " + ex.getMessage());
                return ExitCodes.USAGE;
            }
            ReportOptions defaults = Ingester.reportOptions(config);
            Triage triage = Ingester.triage(config, defaults);
            PrintWriter out = spec.commandLine().getOut();
            print(out, e, triage.decide(e), new ReportBuilder(defaults, Clock.systemUTC()));
            out.flush();
            return ExitCodes.OK;
        }
    }

    static void print(PrintWriter out, Envelope e, TriageDecision d, ReportBuilder builder) {
        out.println("e-mail:         " + (e.subject().isBlank() ? "(no subject)" : e.subject()) + " — from "
                + e.author().display());
        if (!e.originalSender().isEmpty()) {
            out.println("attached e-mail from: " + e.originalSender().display());
        }
        out.println("rules matched:  " + (d.matchedRules().isEmpty() ? "(none)" : String.join(", ", d.matchedRules())));
        out.println("TLP markers:    " + (d.markers().isEmpty() ? "(none)" : String.join(", ",
                d.markers().stream().map(TlpMarkers.Marker::describe).toList())));
        if (d.skipped()) {
            out.println("outcome:        filtered by rule \"" + d.skippedBy() + "\": no report");
            return;
        }
        ReportDecision r = d.report();
        StixBundle bundle = builder.build(e, r);
        out.println("outcome:        report " + bundle.reportId());
        for (var o : bundle.objects()) {
            if ("report".equals(o.path("type").asText())) {
                out.println("  name:         " + o.path("name").asText());
            }
        }
        out.println("  author:       " + r.authorName() + " (" + StixIds.organizationId(r.authorName()) + ")"
                + (r.authorSectors().isEmpty() ? "" : ", sectors " + String.join(", ", r.authorSectors())));
        out.println("  marking:      " + label(r) + " (" + (r.markingOrigin() == null ? "default" : r.markingOrigin())
                + ")");
        out.println("  labels:       " + (r.labels().isEmpty() ? "(none)" : String.join(", ", r.labels())));
        out.println("  report types: " + String.join(", ", r.reportTypes()));
        if (!r.originalSender().isEmpty()) {
            out.println("  forwarded:    original sender " + r.originalSender().display() + ", forwarded by "
                    + e.author().display());
        }
    }

    private static String label(ReportDecision r) {
        return r.tlp().label();
    }
}

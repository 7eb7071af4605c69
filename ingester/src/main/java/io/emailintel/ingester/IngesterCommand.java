package io.emailintel.ingester;

import io.emailintel.cli.Cli;
import io.emailintel.cli.ConfigCommand;
import io.emailintel.cli.DeadLetterCommand;
import io.emailintel.config.CommonSettings;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The ingester's command line: {@code run} (the default), {@code config show}, … */
@Command(name = "ingester", mixinStandardHelpOptions = true, versionProvider = IngesterCommand.Version.class,
        description = "Consumes e-mail envelopes from the pipeline queue, turns each into a STIX 2.1 report "
                + "and sends it to OpenCTI.",
        subcommands = {RunCommand.class, RulesCommand.class})
public final class IngesterCommand implements Runnable {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests and {@link #main}). */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new IngesterCommand());
        cli.addSubcommand("config", new ConfigCommand(IngesterSettings.schema()));
        // the dead-letter tools need only the pipeline settings, not an OpenCTI token
        cli.addSubcommand("dlq", new DeadLetterCommand(CommonSettings.schema("ingester", List.of(), List.of()),
                Clock.systemUTC()));
        // `ingester` alone means `ingester run`
        return Cli.execute(cli, args.length == 0 ? new String[] {"run"} : args);
    }

    @Override
    public void run() {
        // reached only with options but no subcommand (e.g. `ingester --config x`): run is the default
        throw new CommandLine.ParameterException(new CommandLine(this), "Missing subcommand, e.g. run");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = IngesterCommand.class.getPackage().getImplementationVersion();
            return new String[] {"ingester " + (v == null ? "dev" : v)};
        }
    }
}

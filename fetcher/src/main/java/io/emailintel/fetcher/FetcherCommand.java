package io.emailintel.fetcher;

import io.emailintel.cli.Cli;
import io.emailintel.cli.ConfigCommand;
import io.emailintel.fetcher.eml.MimeLeniency;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The fetcher's command line: {@code run} (the default), {@code config show}, … */
@Command(name = "fetcher", mixinStandardHelpOptions = true, versionProvider = FetcherCommand.Version.class,
        description = "Reads a Microsoft 365 mailbox folder through Microsoft Graph, an IMAP folder or a directory of "
                + ".eml files (read-only; several of them with fetcher.sources) and publishes each e-mail as an "
                + "envelope to the pipeline queue.",
        subcommands = {RunCommand.class, StateCommand.class, ResyncCommand.class, RulesCommand.class})
public final class FetcherCommand implements Runnable {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests and {@link #main}). */
    public static int execute(String... args) {
        // Jakarta Mail reads its lenient-parsing switches once, as System properties: set them before any source
        // (eml-dir or IMAP) first touches jakarta.mail
        MimeLeniency.apply();
        CommandLine cli = new CommandLine(new FetcherCommand());
        cli.addSubcommand("config", new ConfigCommand(FetcherSettings.schema()));
        // `fetcher` alone means `fetcher run`
        return Cli.execute(cli, args.length == 0 ? new String[] {"run"} : args);
    }

    @Override
    public void run() {
        // reached only with options but no subcommand (e.g. `fetcher --config x`): run is the default
        throw new CommandLine.ParameterException(new CommandLine(this), "Missing subcommand, e.g. run");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = FetcherCommand.class.getPackage().getImplementationVersion();
            return new String[] {"fetcher " + (v == null ? "dev" : v)};
        }
    }
}

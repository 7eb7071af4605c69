package io.emailintel.fetcher;

import io.emailintel.cli.ConfigOptions;
import io.emailintel.cli.ExitCodes;
import io.emailintel.config.Config;
import io.emailintel.fetcher.eml.EmlCursorStore;
import io.emailintel.fetcher.imap.ImapCursorStore;
import io.emailintel.fetcher.state.CursorStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code state show} and {@code state reset}: the cursor of the configured mailbox folder, or of each source of a
 * {@code fetcher.sources} list ({@code --source NAME}).
 */
@Command(name = "state", mixinStandardHelpOptions = true, description = "Show or reset the fetcher's cursor.",
        subcommands = {StateCommand.Show.class, StateCommand.Reset.class})
final class StateCommand {

    /** The sources named on the command line, or a usage error that lists the configured ones. */
    static List<Config> pick(CommandSpec spec, Config config, String source, boolean all) {
        try {
            return FetcherSettings.select(config, source, all);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the cursor file.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Spec
        CommandSpec spec;

        @Option(names = "--source", paramLabel = "NAME",
                description = "The source (with fetcher.sources); default: every source.")
        String source;

        @Override
        public Integer call() {
            Config top = options.load(FetcherSettings.schema());
            List<Config> sources = pick(spec, top, source, true);
            for (Config config : sources) {
                if (sources.size() > 1 || config.sectionName().isPresent()) {
                    spec.commandLine().getOut().println("## source " + FetcherSettings.sourceName(config) + " ("
                            + config.get(FetcherSettings.SOURCE) + ")");
                }
                show(config);
            }
            return ExitCodes.OK;
        }

        private void show(Config config) {
            if (FetcherSettings.isImap(config)) {
                ImapCursorStore imap = FetcherRuntime.imapCursorStore(config);
                print(imap.file(), imap.text(), imap::check, "the next run imports e-mails that arrived within "
                        + config.get(FetcherSettings.RELATIVE_IMPORT_START_DATE));
            } else if (!FetcherSettings.isGraph(config)) {
                EmlCursorStore eml = FetcherRuntime.emlCursorStore(config);
                print(eml.file(), eml.text(), eml::load, "the next run reads every file of "
                        + config.get(FetcherSettings.EML_DIR));
            } else {
                CursorStore store = FetcherRuntime.cursorStore(config);
                print(store.file(), store.text(), store::load, "the next run imports e-mails received within "
                        + config.get(FetcherSettings.RELATIVE_IMPORT_START_DATE));
            }
        }

        /**
         * A cursor file's text under its name, once {@code check} has read it (it fails with a clear message when
         * the file is corrupt); without a file, {@code ifNone} says what the next run does.
         */
        private void print(Path file, Optional<String> text, Runnable check, String ifNone) {
            var out = spec.commandLine().getOut();
            if (text.isEmpty()) {
                out.println("no state yet at " + file + ": " + ifNone);
                return;
            }
            check.run();
            out.println("# " + file);
            out.println(text.get());
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Delete the cursor: the next run imports again everything received within "
                    + "EMAIL_INTEL_MICROSOFT_RELATIVE_IMPORT_START_DATE (duplicates are harmless, ids are stable). "
                    + "Stop the fetcher first.")
    static final class Reset implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Spec
        CommandSpec spec;

        @Option(names = "--source", paramLabel = "NAME",
                description = "The source whose cursor to delete (required when fetcher.sources lists several).")
        String source;

        @Override
        public Integer call() {
            Config config = pick(spec, options.load(FetcherSettings.schema()), source, false).get(0);
            boolean graph = FetcherSettings.isGraph(config);
            java.nio.file.Path file;
            boolean deleted;
            if (FetcherSettings.isImap(config)) {
                ImapCursorStore imap = FetcherRuntime.imapCursorStore(config);
                file = imap.file();
                deleted = imap.reset();
            } else {
                file = graph ? FetcherRuntime.cursorStore(config).file() : FetcherRuntime.emlCursorStore(config).file();
                deleted = graph ? FetcherRuntime.cursorStore(config).reset()
                        : FetcherRuntime.emlCursorStore(config).reset();
            }
            spec.commandLine().getOut().println(deleted ? "deleted " + file : "no state at " + file);
            return ExitCodes.OK;
        }
    }
}

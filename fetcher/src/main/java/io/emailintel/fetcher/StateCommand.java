package io.emailintel.fetcher;

import io.emailintel.cli.ConfigOptions;
import io.emailintel.cli.ExitCodes;
import io.emailintel.config.Config;
import io.emailintel.fetcher.eml.EmlCursorStore;
import io.emailintel.fetcher.imap.ImapCursorStore;
import io.emailintel.fetcher.state.CursorStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code state show} and {@code state reset}: the cursor of the configured mailbox folder. */
@Command(name = "state", mixinStandardHelpOptions = true, description = "Show or reset the fetcher's cursor.",
        subcommands = {StateCommand.Show.class, StateCommand.Reset.class})
final class StateCommand {

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print the cursor file.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ConfigOptions options;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Config config = options.load(FetcherSettings.schema());
            var out = spec.commandLine().getOut();
            if (FetcherSettings.isImap(config)) {
                ImapCursorStore imap = FetcherRuntime.imapCursorStore(config);
                var imapText = imap.text();
                if (imapText.isEmpty()) {
                    out.println("no state yet at " + imap.file() + ": the next run imports e-mails that arrived within "
                            + config.get(FetcherSettings.RELATIVE_IMPORT_START_DATE));
                } else {
                    imap.check(); // fails with a clear message when the file is corrupt
                    out.println("# " + imap.file());
                    out.println(imapText.get());
                }
                return ExitCodes.OK;
            }
            if (!FetcherSettings.isGraph(config)) {
                EmlCursorStore eml = FetcherRuntime.emlCursorStore(config);
                var emlText = eml.text();
                if (emlText.isEmpty()) {
                    out.println("no state yet at " + eml.file() + ": the next run reads every file of "
                            + config.get(FetcherSettings.EML_DIR));
                } else {
                    eml.load(); // fails with a clear message when the file is corrupt
                    out.println("# " + eml.file());
                    out.println(emlText.get());
                }
                return ExitCodes.OK;
            }
            CursorStore store = FetcherRuntime.cursorStore(config);
            var text = store.text();
            if (text.isEmpty()) {
                out.println("no state yet at " + store.file() + ": the next run imports e-mails received within "
                        + config.get(FetcherSettings.RELATIVE_IMPORT_START_DATE));
                return ExitCodes.OK;
            }
            store.load(); // fails with a clear message when the file is corrupt
            out.println("# " + store.file());
            out.println(text.get());
            return ExitCodes.OK;
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

        @Override
        public Integer call() {
            Config config = options.load(FetcherSettings.schema());
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

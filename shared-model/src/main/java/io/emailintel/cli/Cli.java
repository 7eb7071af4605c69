package io.emailintel.cli;

import io.emailintel.config.ConfigException;
import picocli.CommandLine;

/** Runs a picocli command with the exit codes and error output both processes share. */
public final class Cli {

    private Cli() {
    }

    /**
     * Executes and returns the exit code: configuration errors print every problem and give
     * {@link ExitCodes#CONFIG}; other failures print one line (the stack trace only at debug level).
     */
    public static int execute(CommandLine commandLine, String... args) {
        commandLine.setExitCodeExceptionMapper(e -> e instanceof ConfigException ? ExitCodes.CONFIG : ExitCodes.FAILURE);
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println(cmd.getColorScheme().errorText(e.getMessage()));
                return ExitCodes.CONFIG;
            }
            cmd.getErr().println(cmd.getColorScheme().errorText(cmd.getCommandName() + ": " + describe(e)));
            if (Boolean.getBoolean("emailintel.stacktrace")) {
                e.printStackTrace(cmd.getErr());
            }
            return ExitCodes.FAILURE;
        });
        commandLine.setParameterExceptionHandler((ex, args2) -> {
            CommandLine cmd = ex.getCommandLine();
            cmd.getErr().println(cmd.getColorScheme().errorText(ex.getMessage()));
            cmd.usage(cmd.getErr());
            return ExitCodes.USAGE;
        });
        return commandLine.execute(args);
    }

    /** The exception's message and its causes' messages, on one line. */
    public static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (out.indexOf(msg) >= 0) {
                continue;
            }
            if (out.length() > 0) {
                out.append(": ");
            }
            out.append(msg);
        }
        return out.toString();
    }
}

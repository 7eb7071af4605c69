package io.emailintel.cli;

/** Process exit codes, the same for both processes. */
public final class ExitCodes {

    private ExitCodes() {
    }

    public static final int OK = 0;
    /** A run failed (a fetch cycle, an unreachable service at start-up). */
    public static final int FAILURE = 1;
    /** The configuration is invalid; nothing was started. */
    public static final int CONFIG = 2;
    /** The command line itself is wrong (unknown option, …). */
    public static final int USAGE = 64;
}

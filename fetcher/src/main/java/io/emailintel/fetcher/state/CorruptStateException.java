package io.emailintel.fetcher.state;

import java.nio.file.Path;

/** A state file exists but cannot be read: the fetcher stops rather than silently starting over. */
public final class CorruptStateException extends RuntimeException {

    public CorruptStateException(Path file, String detail, Throwable cause) {
        super("state file " + file + " is corrupt (" + detail + "); fix it, restore a backup, or run "
                + "`fetcher state reset` to start again from EMAIL_INTEL_MICROSOFT_RELATIVE_IMPORT_START_DATE", cause);
    }
}

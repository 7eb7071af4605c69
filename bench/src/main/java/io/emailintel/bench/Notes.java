package io.emailintel.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The hand-written block of RESULTS.md (profiling notes, before/after): whatever is between the markers in the
 * existing file is carried over verbatim when the file is rewritten.
 */
final class Notes {

    static final String START = "<!-- notes:start -->";
    static final String END = "<!-- notes:end -->";
    static final String PLACEHOLDER = "\n_No hand-written notes yet: put profiling notes (before/after) between "
            + "these markers; `bench/run` keeps them._\n";

    private Notes() {
    }

    /** The block (markers included) from {@code existing}, or a placeholder block when there is none. */
    static String carriedOver(Path existing) throws IOException {
        String text = Files.isRegularFile(existing) ? Files.readString(existing, StandardCharsets.UTF_8) : "";
        return START + inner(text) + END + "\n";
    }

    static String inner(String text) {
        int start = text.indexOf(START);
        int end = start < 0 ? -1 : text.indexOf(END, start + START.length());
        return end < 0 ? PLACEHOLDER : text.substring(start + START.length(), end);
    }
}

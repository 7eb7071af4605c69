package io.emailintel.fetcher.eml;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an mbox file (mboxo/mboxrd) into its messages: each starts at a line beginning with {@code "From "}
 * after an empty line (or at the start of the file); {@code ">From "} quoting is undone.
 */
final class MboxReader {

    private MboxReader() {
    }

    static List<byte[]> split(byte[] mbox) {
        List<byte[]> messages = new ArrayList<>();
        ByteArrayOutputStream current = null;
        boolean previousBlank = true;
        int start = 0;
        while (start < mbox.length) {
            int end = start;
            while (end < mbox.length && mbox[end] != '\n') {
                end++;
            }
            int next = Math.min(end + 1, mbox.length);
            String head = new String(mbox, start, Math.min(6, end - start), StandardCharsets.ISO_8859_1);
            if (previousBlank && head.startsWith("From ")) {
                if (current != null) {
                    messages.add(trimTrailingNewline(current.toByteArray()));
                }
                current = new ByteArrayOutputStream();
            } else if (current != null) {
                int from = start;
                if (isQuotedFrom(mbox, start, end)) {
                    from++; // mboxrd: ">From " → "From ", ">>From " → ">From "
                }
                current.write(mbox, from, next - from);
            }
            previousBlank = end == start || end == start + 1 && mbox[start] == '\r';
            start = next;
        }
        if (current != null) {
            messages.add(trimTrailingNewline(current.toByteArray()));
        }
        return messages;
    }

    private static boolean isQuotedFrom(byte[] b, int start, int end) {
        int i = start;
        while (i < end && b[i] == '>') {
            i++;
        }
        return i > start && end - i >= 5 && new String(b, i, 5, StandardCharsets.ISO_8859_1).equals("From ");
    }

    private static byte[] trimTrailingNewline(byte[] b) {
        int n = b.length;
        if (n > 0 && b[n - 1] == '\n') {
            n--;
            if (n > 0 && b[n - 1] == '\r') {
                n--;
            }
        }
        return java.util.Arrays.copyOf(b, n);
    }
}

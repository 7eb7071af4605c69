package io.emailintel.model;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The byte tests both processes use to tell what a file really is, whatever its declared type: a magic number at
 * an offset, and "looks like text". The fetcher's attachment types ({@code graph/MimeTypes}) and the ingester's
 * archive members ({@code attachments/MemberTypes}) build their own verdicts on these.
 */
public final class ContentSniffing {

    /** How much of a file the text test reads. */
    private static final int TEXT_WINDOW = 4096;

    private ContentSniffing() {
    }

    /** Whether {@code content} holds the bytes {@code magic} (each 0–255) from {@code offset} on. */
    public static boolean startsWith(byte[] content, int offset, int... magic) {
        if (content.length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((content[offset + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the first 4 KiB are UTF-8 (ASCII included) without NUL or control characters other than tab, line
     * feed, form feed and carriage return; an empty file is not text.
     */
    public static boolean looksLikeText(byte[] content) {
        if (content.length == 0) {
            return false;
        }
        int n = Math.min(content.length, TEXT_WINDOW);
        for (int i = 0; i < n; i++) {
            int b = content[i] & 0xFF;
            if (b == 0 || (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != '\f')) {
                return false;
            }
        }
        // a multi-byte character may be cut at the window's end: decode a few bytes less
        int len = content.length == n ? n : n - 4;
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content, 0, len));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}

package io.emailintel.ingester.observables;

import io.emailintel.model.Envelope;
import io.emailintel.model.EnvelopeAttachment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text extraction reads: the body (HTML reduced to its text by {@link HtmlText}, link targets not included
 * — in advisories they are mostly references), then every text/plain and text/csv
 * attachment, decoded as UTF-8. Binary content is never read: a "text" attachment with a NUL byte in its
 * first 8 KiB is skipped.
 */
final class MailText {

    /** Text read per e-mail at most, in characters; the rest is not scanned. */
    static final int MAX_CHARS = 32 * 1024 * 1024;
    private static final int SNIFF_BYTES = 8192;

    private MailText() {
    }

    static List<String> of(Envelope envelope) {
        List<String> texts = new ArrayList<>();
        int budget = MAX_CHARS;
        String body = envelope.body().isHtml() ? HtmlText.of(envelope.body().content()) : envelope.body().content();
        budget -= add(texts, body, budget);
        for (EnvelopeAttachment a : envelope.attachments()) {
            if (budget <= 0) {
                break;
            }
            if (isText(a)) {
                budget -= add(texts, new String(a.content(), StandardCharsets.UTF_8), budget);
            }
        }
        return texts;
    }

    private static int add(List<String> texts, String text, int budget) {
        String kept = text.length() > budget ? text.substring(0, budget) : text;
        if (!kept.isEmpty()) {
            texts.add(kept);
        }
        return kept.length();
    }

    static boolean isText(EnvelopeAttachment a) {
        String type = a.mimeType().toLowerCase(Locale.ROOT);
        if (!type.equals("text/plain") && !type.equals("text/csv")) {
            return false;
        }
        byte[] b = a.content();
        for (int i = 0; i < Math.min(b.length, SNIFF_BYTES); i++) {
            if (b[i] == 0) {
                return false;
            }
        }
        return true;
    }
}

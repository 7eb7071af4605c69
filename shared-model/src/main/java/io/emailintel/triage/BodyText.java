package io.emailintel.triage;

import io.emailintel.model.EnvelopeBody;
import java.util.regex.Pattern;

/**
 * The plain text of a body, line by line, for pattern matching only (never shown): an HTML body loses its tags,
 * block elements and {@code <br>} become line breaks, and the common entities are decoded. Quoted blocks
 * ({@code <blockquote>}) are marked with {@code > } at the start of their lines, as a text client would quote.
 */
public final class BodyText {

    private static final Pattern BLOCK = Pattern.compile(
            "(?i)<\\s*(br|/p|/div|/tr|/li|/h[1-6]|/blockquote|hr)\\b[^>]*>");
    private static final Pattern QUOTE_OPEN = Pattern.compile("(?i)<\\s*blockquote\\b[^>]*>");
    private static final Pattern QUOTE_CLOSE = Pattern.compile("(?i)<\\s*/\\s*blockquote\\s*>");
    private static final Pattern DROP = Pattern.compile("(?is)<(script|style|head)\\b.*?</\\1\\s*>|<!--.*?-->");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    private BodyText() {
    }

    public static String of(EnvelopeBody body) {
        String content = body == null ? "" : body.content();
        if (!EnvelopeBody.HTML.equalsIgnoreCase(body == null ? "" : body.contentType())) {
            return content.replace("\r\n", "\n");
        }
        String html = DROP.matcher(content).replaceAll(" ");
        StringBuilder out = new StringBuilder();
        int depth = 0;
        // split on blockquote boundaries so quoted lines can be marked
        String[] pieces = html.split("(?i)(?=<\\s*/?\\s*blockquote\\b)");
        for (String piece : pieces) {
            if (QUOTE_OPEN.matcher(piece).lookingAt()) {
                depth++;
            } else if (QUOTE_CLOSE.matcher(piece).lookingAt()) {
                depth = Math.max(0, depth - 1);
            }
            String text = TAG.matcher(BLOCK.matcher(piece).replaceAll("\n")).replaceAll("");
            text = entities(text);
            String prefix = "> ".repeat(depth);
            for (String line : text.split("\n", -1)) {
                out.append(depth > 0 && !line.isBlank() ? prefix : "").append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static String entities(String s) {
        return s.replace("&nbsp;", " ").replace("&#160;", " ").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&")
                .replace('\u00a0', ' ').replace("\r\n", "\n");
    }
}

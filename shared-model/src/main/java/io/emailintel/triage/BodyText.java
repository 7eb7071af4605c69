package io.emailintel.triage;

import io.emailintel.model.EnvelopeBody;
import java.lang.ref.WeakReference;
import java.util.regex.Pattern;

/**
 * The plain text of a body, line by line, for pattern matching only (never shown): an HTML body loses its tags,
 * block elements and {@code <br>} become line breaks, and the common entities are decoded. Quoted blocks
 * ({@code <blockquote>}) are marked with {@code > } at the start of their lines, as a text client would quote.
 */
public final class BodyText {

    private static final Pattern QUOTE_OPEN = Pattern.compile("(?i)<\\s*blockquote\\b[^>]*>");
    private static final Pattern QUOTE_CLOSE = Pattern.compile("(?i)<\\s*/\\s*blockquote\\s*>");
    private static final Pattern QUOTE_BOUNDARY = Pattern.compile("(?i)(?=<\\s*/?\\s*blockquote\\b)");
    /** The elements whose content is dropped with them; and the names {@link #blockEnd} turns into line breaks. */
    private static final String[] HIDDEN = {"script", "style", "head"};
    private static final String[] BLOCKS = {"br", "/p", "/div", "/tr", "/li", "/h1", "/h2", "/h3", "/h4", "/h5", "/h6",
        "/blockquote", "hr"};

    /**
     * The last body read on this thread and its text: triage reads one body twice (the forwarded-mail check and the
     * TLP markers), and this text was a third of the ingester's CPU per e-mail (issue 20). Weak, so that a large body
     * is never kept alive for it; a text collected in between is computed again.
     */
    private static final ThreadLocal<Last> LAST = new ThreadLocal<>();

    private record Last(WeakReference<EnvelopeBody> body, WeakReference<String> text) {
    }

    private BodyText() {
    }

    public static String of(EnvelopeBody body) {
        Last last = LAST.get();
        if (body != null && last != null && last.body().get() == body) {
            String text = last.text().get();
            if (text != null) {
                return text;
            }
        }
        String text = read(body);
        if (body != null) {
            LAST.set(new Last(new WeakReference<>(body), new WeakReference<>(text)));
        }
        return text;
    }

    /*
     * The passes below are linear scans that give exactly what these replacements gave (issue 20 replaced them for
     * speed; BodyTextTest holds the scans to the regular expressions over generated HTML):
     * script/style/head elements and comments: (?is)<(script|style|head)\b.*?</\1\s*>|<!--.*?--> → " "
     * line-breaking tags: (?i)<\s*(br|/p|/div|/tr|/li|/h[1-6]|/blockquote|hr)\b[^>]*> → "\n"
     * other tags: <[^>]*> → ""
     */
    private static String read(EnvelopeBody body) {
        String content = body == null ? "" : body.content();
        if (!EnvelopeBody.HTML.equalsIgnoreCase(body == null ? "" : body.contentType())) {
            return content.replace("\r\n", "\n");
        }
        String html = replaced(content, BodyText::hiddenEnd, " ");
        StringBuilder out = new StringBuilder(html.length() / 2);
        int depth = 0;
        // split on blockquote boundaries so quoted lines can be marked
        String[] pieces = containsIgnoreAsciiCase(html, "blockquote") ? QUOTE_BOUNDARY.split(html) : new String[] {html};
        for (String piece : pieces) {
            if (QUOTE_OPEN.matcher(piece).lookingAt()) {
                depth++;
            } else if (QUOTE_CLOSE.matcher(piece).lookingAt()) {
                depth = Math.max(0, depth - 1);
            }
            String text = replaced(replaced(piece, BodyText::blockEnd, "\n"), BodyText::tagEnd, "");
            text = entities(text);
            String prefix = "> ".repeat(depth);
            for (String line : text.split("\n", -1)) {
                out.append(depth > 0 && !line.isBlank() ? prefix : "").append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** Where a match starting at a {@code '<'} ends, or -1 when none starts there. */
    private interface MatchEnd {
        int at(String s, int lt);
    }

    /** Every non-overlapping match, leftmost first (all start with {@code '<'}), replaced by {@code with}. */
    private static String replaced(String s, MatchEnd match, String with) {
        StringBuilder out = null;
        int copied = 0;
        int lt = s.indexOf('<');
        while (lt >= 0) {
            int end = match.at(s, lt);
            if (end < 0) {
                lt = s.indexOf('<', lt + 1);
                continue;
            }
            if (out == null) {
                out = new StringBuilder(s.length());
            }
            out.append(s, copied, lt).append(with);
            copied = end;
            lt = s.indexOf('<', end);
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    /** {@code <(script|style|head)\b.*?</\1\s*>} (case-insensitive, dot-all) or {@code <!--.*?-->}. */
    private static int hiddenEnd(String s, int lt) {
        if (s.startsWith("<!--", lt)) {
            int close = s.indexOf("-->", lt + 4);
            return close < 0 ? -1 : close + 3;
        }
        for (String name : HIDDEN) {
            int after = lt + 1 + name.length();
            if (!regionIgnoresAsciiCase(s, lt + 1, name) || !wordBoundaryAfterWord(s, after)) {
                continue;
            }
            for (int close = s.indexOf("</", after); close >= 0; close = s.indexOf("</", close + 1)) {
                if (regionIgnoresAsciiCase(s, close + 2, name)) {
                    int gt = skipSpace(s, close + 2 + name.length());
                    if (gt < s.length() && s.charAt(gt) == '>') {
                        return gt + 1;
                    }
                }
            }
            return -1; // the names differ in their first two letters: no other can match here
        }
        return -1;
    }

    /** {@code <\s*(br|/p|/div|/tr|/li|/h[1-6]|/blockquote|hr)\b[^>]*>}, case-insensitive. */
    private static int blockEnd(String s, int lt) {
        int at = skipSpace(s, lt + 1);
        for (String name : BLOCKS) {
            if (regionIgnoresAsciiCase(s, at, name) && wordBoundaryAfterWord(s, at + name.length())) {
                int gt = s.indexOf('>', at + name.length());
                return gt < 0 ? -1 : gt + 1;
            }
        }
        return -1;
    }

    /** {@code <[^>]*>}. */
    private static int tagEnd(String s, int lt) {
        int gt = s.indexOf('>', lt + 1);
        return gt < 0 ? -1 : gt + 1;
    }

    /** {@code \s*}: Java's {@code \s} without UNICODE_CHARACTER_CLASS is [ \t\n\x0B\f\r]. */
    private static int skipSpace(String s, int at) {
        while (at < s.length() && " \t\n\u000B\f\r".indexOf(s.charAt(at)) >= 0) {
            at++;
        }
        return at;
    }

    /**
     * {@code \b} right after a word character, as java.util.regex (JDK 17) decides it: a boundary unless the next
     * code point is a letter, a digit, {@code _}, or a non-spacing mark (which counts as part of the word before).
     */
    private static boolean wordBoundaryAfterWord(String s, int at) {
        if (at >= s.length()) {
            return true;
        }
        int cp = s.codePointAt(at);
        return !(cp == '_' || Character.isLetterOrDigit(cp) || Character.getType(cp) == Character.NON_SPACING_MARK);
    }

    /** {@code (?i)} without UNICODE_CASE folds ASCII letters only. {@code lower} is lower-case ASCII. */
    private static boolean regionIgnoresAsciiCase(String s, int at, String lower) {
        if (at < 0 || at + lower.length() > s.length() || (s.charAt(at) | 0x20) != (lower.charAt(0) | 0x20)) {
            return false; // the first test is only a quick way out: | 0x20 folds a few non-letters together too
        }
        for (int i = 0; i < lower.length(); i++) {
            char c = s.charAt(at + i);
            if ((c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** {@code lower} is lower-case ASCII letters. */
    private static boolean containsIgnoreAsciiCase(String s, String lower) {
        char first = lower.charAt(0);
        for (int i = 0; i + lower.length() <= s.length(); i++) {
            if ((s.charAt(i) | 0x20) == first && regionIgnoresAsciiCase(s, i, lower)) {
                return true;
            }
        }
        return false;
    }

    private static String entities(String s) {
        return s.replace("&nbsp;", " ").replace("&#160;", " ").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&#39;", "'").replace("&apos;", "'").replace("&amp;", "&")
                .replace('\u00a0', ' ').replace("\r\n", "\n");
    }
}

package io.emailintel.ingester.observables;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The text of an HTML body, for scanning only (never shown): tags dropped (attributes, so link targets, too),
 * block elements on lines of their own, {@code script}/{@code style} contents and comments skipped, the common
 * character references decoded. One linear pass; a full HTML parse (jsoup) cost about ten times the whole scan
 * of a 20 KB body, and the sanitiser parses the body for the report's content anyway.
 */
final class HtmlText {

    private static final Set<String> BLOCKS = Set.of("p", "div", "br", "tr", "td", "th", "li", "ul", "ol", "h1",
            "h2", "h3", "h4", "h5", "h6", "table", "tbody", "thead", "pre", "blockquote", "hr", "section", "article",
            "header", "footer", "dd", "dt", "dl", "title", "body", "html", "head", "center", "address", "caption");
    private static final Map<String, String> ENTITIES = Map.of("amp", "&", "lt", "<", "gt", ">", "quot", "\"",
            "apos", "'", "nbsp", " ", "ensp", " ", "emsp", " ", "thinsp", " ", "shy", "");

    private HtmlText() {
    }

    static String of(String html) {
        int n = html.length();
        StringBuilder out = new StringBuilder(n / 2);
        int i = 0;
        while (i < n) {
            char c = html.charAt(i);
            if (c == '<') {
                i = tag(html, i, out);
            } else if (c == '&') {
                i = reference(html, i, out);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** Consumes a tag, comment or raw-text element starting at {@code start}; returns the index after it. */
    private static int tag(String html, int start, StringBuilder out) {
        int n = html.length();
        if (html.startsWith("<!--", start)) {
            int end = html.indexOf("-->", start + 4);
            return end < 0 ? n : end + 3;
        }
        int i = start + 1;
        boolean closing = i < n && html.charAt(i) == '/';
        if (closing) {
            i++;
        }
        if (i >= n || !(Character.isLetter(html.charAt(i)) || html.charAt(i) == '!' || html.charAt(i) == '?')) {
            out.append('<');
            return start + 1;
        }
        int nameStart = i;
        while (i < n && (Character.isLetterOrDigit(html.charAt(i)) || html.charAt(i) == '-')) {
            i++;
        }
        String name = html.substring(nameStart, i).toLowerCase(Locale.ROOT);
        char quote = 0;
        while (i < n) {
            char c = html.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                break;
            }
            i++;
        }
        i = Math.min(n, i + 1);
        if (BLOCKS.contains(name)) {
            out.append('\n');
        }
        if (!closing && (name.equals("script") || name.equals("style"))) {
            int end = indexOfIgnoreCase(html, "</" + name, i);
            return end < 0 ? n : end;
        }
        return i;
    }

    /** Decodes {@code &name;}, {@code &#NN;} and {@code &#xHH;}; anything else stays as written. */
    private static int reference(String html, int start, StringBuilder out) {
        int n = html.length();
        int semi = -1;
        for (int i = start + 1; i < n && i < start + 12; i++) {
            if (html.charAt(i) == ';') {
                semi = i;
                break;
            }
        }
        if (semi < 0) {
            out.append('&');
            return start + 1;
        }
        String body = html.substring(start + 1, semi);
        String decoded = null;
        if (body.startsWith("#x") || body.startsWith("#X")) {
            decoded = codePoint(body.substring(2), 16);
        } else if (body.startsWith("#")) {
            decoded = codePoint(body.substring(1), 10);
        } else {
            decoded = ENTITIES.get(body.toLowerCase(Locale.ROOT));
        }
        if (decoded == null) {
            out.append('&');
            return start + 1;
        }
        out.append(decoded);
        return semi + 1;
    }

    private static String codePoint(String digits, int radix) {
        try {
            int cp = Integer.parseInt(digits, radix);
            return Character.isValidCodePoint(cp) && cp != 0 ? Character.toString(cp) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static int indexOfIgnoreCase(String s, String what, int from) {
        for (int i = from; i <= s.length() - what.length(); i++) {
            if (s.charAt(i) == '<' && s.regionMatches(true, i, what, 0, what.length())) {
                return i;
            }
        }
        return -1;
    }
}

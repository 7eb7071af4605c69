package io.emailintel.ingester.observables;

/**
 * Undoes the usual ways analysts defang indicators so nobody clicks them: {@code hxxp://}, {@code [.]},
 * {@code (.)}, {@code {.}}, {@code [dot]}, {@code (dot)}, {@code [:]}, {@code [://]}, {@code [@]},
 * {@code [at]}, {@code (at)}, {@code \.} (the forms iocextract and the CERT/ISAC advisories use). One pass over
 * a token, left to right, so the cost is linear in its length.
 */
final class Refang {

    /** Bracketed forms, matched case-insensitively at a {@code [ ( {} opening, and what they stand for. */
    private static final String[][] BRACKETED = {
            {"[.]", "."}, {"(.)", "."}, {"{.}", "."}, {"[dot]", "."}, {"(dot)", "."}, {"{dot}", "."},
            {"[:]", ":"}, {"[://]", "://"}, {"[/]", "/"}, {"[@]", "@"}, {"(@)", "@"}, {"{@}", "@"},
            {"[at]", "@"}, {"(at)", "@"}, {"{at}", "@"},
    };
    /** Defanged schemes at the start of a URL, lower-cased. */
    private static final String[][] SCHEMES = {
            {"hxxps", "https"}, {"hxxp", "http"}, {"hxtps", "https"}, {"hxtp", "http"}, {"h**ps", "https"},
            {"h**p", "http"}, {"fxp", "ftp"},
    };

    private Refang() {
    }

    /** The token with its defangs undone; the same string when it had none. */
    static String token(String token) {
        StringBuilder out = null;
        int i = 0;
        int n = token.length();
        while (i < n) {
            char c = token.charAt(i);
            String replacement = null;
            int consumed = 0;
            if (c == '[' || c == '(' || c == '{') {
                for (String[] form : BRACKETED) {
                    if (token.regionMatches(true, i, form[0], 0, form[0].length())) {
                        replacement = form[1];
                        consumed = form[0].length();
                        break;
                    }
                }
            } else if (c == '\\' && i + 1 < n && token.charAt(i + 1) == '.') {
                replacement = ".";
                consumed = 2;
            } else if ((c == 'h' || c == 'H' || c == 'f' || c == 'F')
                    && (i == 0 || !Character.isLetterOrDigit(token.charAt(i - 1)))) {
                for (String[] scheme : SCHEMES) {
                    int len = scheme[0].length();
                    if (token.regionMatches(true, i, scheme[0], 0, len) && followedBySchemeSeparator(token, i + len)) {
                        replacement = scheme[1];
                        consumed = len;
                        break;
                    }
                }
            }
            if (replacement != null) {
                if (out == null) {
                    out = new StringBuilder(n).append(token, 0, i);
                }
                out.append(replacement);
                i += consumed;
            } else {
                if (out != null) {
                    out.append(c);
                }
                i++;
            }
        }
        return out == null ? token : out.toString();
    }

    /** {@code ://} or a defanged {@code [:]//}/{@code [://]} after a scheme. */
    private static boolean followedBySchemeSeparator(String token, int at) {
        return token.startsWith("://", at) || token.regionMatches(true, at, "[:]//", 0, 5)
                || token.regionMatches(true, at, "[://]", 0, 5);
    }
}

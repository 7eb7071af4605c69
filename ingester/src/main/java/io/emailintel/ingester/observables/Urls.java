package io.emailintel.ingester.observables;

import java.util.Locale;
import java.util.Set;

/** URL candidates: accepted schemes, the host part, and the characters a URL may hold (RFC 3986). */
final class Urls {

    static final Set<String> SCHEMES = Set.of("http", "https", "ftp");
    /** Longest URL kept: what browsers and most servers handle in practice. */
    static final int MAX_LENGTH = 2048;

    private Urls() {
    }

    /** The host of {@code scheme://[userinfo@]host[:port][/…]}, lower-cased, without brackets; or null. */
    static String host(String url) {
        int start = url.indexOf("://");
        if (start < 0) {
            return null;
        }
        start += 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        String authority = url.substring(start, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            return close < 0 ? null : authority.substring(1, close).toLowerCase(Locale.ROOT);
        }
        int colon = authority.indexOf(':');
        if (colon >= 0) {
            String port = authority.substring(colon + 1);
            if (!port.isEmpty() && !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            authority = authority.substring(0, colon);
        }
        return authority.isEmpty() ? null : authority.toLowerCase(Locale.ROOT);
    }

    /** Printable ASCII except the characters RFC 3986 never allows unescaped in a URL. */
    static boolean validChars(String url) {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= 0x20 || c >= 0x7F || "\"<>\\^`{|}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}

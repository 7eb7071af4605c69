package io.emailintel.ingester.observables;

import java.util.Locale;
import java.util.Set;

/**
 * Finds observable candidates in text in one left-to-right pass: the text is cut into tokens at white space and
 * quoting punctuation, each token is refanged, cut again at brackets (Markdown links, parentheses), trimmed of
 * sentence punctuation and classified by hand-written checks — no backtracking regular expressions, so the cost
 * is linear in the text, whatever it holds. Tokens longer than {@link #MAX_TOKEN} are skipped.
 *
 * <p>False positives are worse than misses: an analyst who finds {@code readme.md} or a version number as an
 * "indicator" stops trusting all of them. So a domain written plainly (not defanged, not in a URL or an address)
 * must be lower-case and end in a common TLD or a country code that is not also a usual file extension; a
 * dotted quad right after a word such as "version" is a version; a hash is a hex run of exactly 32, 40, 64 or
 * 128 characters standing alone, with letters and digits both, ten distinct characters or more, and no
 * character repeated more than eight times in a row (a zero-padded number is not a digest).
 */
final class TextScanner {

    /** Receives candidates; returns false to stop the scan. */
    interface Sink {
        boolean accept(Observable candidate);
    }

    static final int MAX_TOKEN = Urls.MAX_LENGTH + 64;

    /** Generic TLDs a plainly written domain may end in; any other needs a defang, a URL or an address. */
    static final Set<String> PLAIN_TLDS = Set.of("com", "net", "org", "info", "biz", "edu", "gov", "mil", "int",
            "io", "co", "me", "xyz", "top", "online", "site", "club", "shop", "live", "icu", "vip", "app", "dev",
            "cloud", "store", "tech", "pro", "space", "fun", "website", "link", "click", "work", "buzz", "mobi",
            "asia");
    /**
     * Country codes (and two gTLDs) that are also common file extensions (script.py, notes.md, run.sh, lib.so,
     * archive.zip) or English words a tokenizer meets glued by a missing space ("sign.in", "do.it").
     */
    static final Set<String> FILE_LIKE_TLDS = Set.of("py", "sh", "pl", "rs", "md", "ps", "so", "cc", "tf", "pm",
            "ml", "sc", "ai", "ms", "am", "as", "do", "in", "is", "it", "at", "be", "by", "my", "no", "to", "us",
            "zip", "mov");
    /** Words after which a dotted quad is a version, not an address (for the next few tokens). */
    static final Set<String> VERSION_WORDS = Set.of("version", "versions", "ver", "v", "build", "builds",
            "release", "releases", "firmware", "update", "updates", "patch", "kernel", "upgrade", "fixed",
            "through", "before", "prior", "rev", "revision");
    private static final int VERSION_WINDOW = 3;

    private final Sink sink;
    private int versionTokensLeft;
    private boolean stopped;

    private TextScanner(Sink sink) {
        this.sink = sink;
    }

    /** Scans {@code text}; false when the sink stopped it. */
    static boolean scan(CharSequence text, Sink sink) {
        TextScanner s = new TextScanner(sink);
        s.run(text);
        return !s.stopped;
    }

    private void run(CharSequence text) {
        int n = text.length();
        StringBuilder token = new StringBuilder(64);
        boolean tooLong = false;
        // a token without a digit, dot, colon, at sign, bracket or backslash can hold nothing (most prose words):
        // only its use as a version word is looked at
        boolean mayHold = false;
        for (int i = 0; i <= n && !stopped; i++) {
            char c = i < n ? text.charAt(i) : ' ';
            if (isInvisible(c)) {
                continue; // zero-width characters are a defang too: "evil\u200b.com"
            }
            if (isDelimiter(c)) {
                if (!tooLong && token.length() > 0) {
                    token(token.toString(), mayHold);
                }
                token.setLength(0);
                tooLong = false;
                mayHold = false;
            } else if (!tooLong) {
                if (token.length() >= MAX_TOKEN) {
                    tooLong = true;
                    token.setLength(0);
                } else {
                    token.append(c);
                    mayHold |= c >= '0' && c <= '9' || c == '.' || c == ':' || c == '@' || c == '[' || c == '('
                            || c == '{' || c == '\\';
                }
            }
        }
    }

    static boolean isDelimiter(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || "<>\"'`|,;\u201c\u201d\u2018\u2019\u00ab\u00bb"
                .indexOf(c) >= 0;
    }

    private static boolean isInvisible(char c) {
        return c == '\u200b' || c == '\u200c' || c == '\u200d' || c == '\u2060' || c == '\ufeff' || c == '\u00ad';
    }

    private void token(String raw, boolean mayHold) {
        boolean versionContext = versionTokensLeft > 0;
        if (versionTokensLeft > 0) {
            versionTokensLeft--;
        }
        if (raw.length() <= 12 && VERSION_WORDS.contains(trim(raw).toLowerCase(Locale.ROOT))) {
            versionTokensLeft = VERSION_WINDOW;
        }
        if (!mayHold) {
            return;
        }
        String refanged = Refang.token(raw);
        boolean defanged = !refanged.equals(raw);
        int start = 0;
        for (int i = 0; i <= refanged.length() && !stopped; i++) {
            if (i == refanged.length() || "()[]{}".indexOf(refanged.charAt(i)) >= 0) {
                if (i > start) {
                    part(trim(refanged.substring(start, i)), defanged, versionContext);
                }
                start = i + 1;
            }
        }
    }

    /** Cuts leading punctuation, and trailing sentence punctuation (a URL keeps its trailing slash). */
    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && !Character.isLetterOrDigit(s.charAt(start))) {
            start++;
        }
        while (end > start && ".,:;!?*~=+-_#&%^".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    private void part(String part, boolean defanged, boolean versionContext) {
        if (part.length() < 3) {
            return;
        }
        String lower = part.toLowerCase(Locale.ROOT);
        int scheme = lower.indexOf("://");
        if (scheme > 0) {
            url(part, lower, scheme);
            return;
        }
        int at = part.lastIndexOf('@');
        if (at > 0) {
            email(lower.startsWith("mailto:") ? lower.substring(7) : lower);
            return;
        }
        hexAndCves(part);
        String host = part;
        int slash = host.indexOf('/');
        if (slash >= 0) {
            String rest = host.substring(slash + 1);
            if (!rest.isEmpty() && rest.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return; // a CIDR range or a fraction, not a host
            }
            host = host.substring(0, slash);
        }
        int colons = count(host, ':');
        if (colons >= 2) {
            String v6 = Hosts.publicIpv6(host.toLowerCase(Locale.ROOT));
            if (v6 != null) {
                emit(new Observable(ObservableType.IPV6, v6));
            }
            return;
        }
        if (colons == 1) {
            String port = host.substring(host.indexOf(':') + 1);
            if (port.isEmpty() || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return; // "time: 10:30", "C:", "key:value"
            }
            host = host.substring(0, host.indexOf(':'));
        }
        long v4 = Hosts.parseIpv4(host);
        if (v4 >= 0) {
            if (!versionContext && Hosts.isPublicIpv4(v4)) {
                emit(new Observable(ObservableType.IPV4, host));
            }
            return;
        }
        if (host.indexOf('.') > 0) {
            domain(host, defanged);
        }
    }

    private void domain(String host, boolean defanged) {
        if (!defanged && !host.equals(host.toLowerCase(Locale.ROOT))) {
            return; // "ASP.NET", "System.IO", "Node.JS": names in prose, not hosts
        }
        String domain = Hosts.registrableDomain(host);
        if (domain == null) {
            return;
        }
        String tld = Hosts.tld(domain);
        if (!defanged && !(PLAIN_TLDS.contains(tld) || tld.length() == 2 && !FILE_LIKE_TLDS.contains(tld))) {
            return;
        }
        emit(new Observable(ObservableType.DOMAIN, domain));
    }

    private void url(String part, String lower, int scheme) {
        if (!Urls.SCHEMES.contains(lower.substring(0, scheme)) || part.length() > Urls.MAX_LENGTH
                || !Urls.validChars(part)) {
            return;
        }
        String host = Urls.host(lower);
        if (host == null) {
            return;
        }
        boolean publicHost;
        if (host.indexOf(':') >= 0) {
            publicHost = Hosts.publicIpv6(host) != null;
        } else if (Hosts.isIpv4Literal(host)) {
            publicHost = Hosts.isPublicIpv4(Hosts.parseIpv4(host));
        } else {
            publicHost = Hosts.registrableDomain(host) != null;
        }
        if (publicHost) {
            // scheme and host are case-insensitive (RFC 3986 §6.2.2.1); the path is not
            int hostEnd = scheme + 3;
            while (hostEnd < part.length() && "/?#".indexOf(part.charAt(hostEnd)) < 0) {
                hostEnd++;
            }
            emit(new Observable(ObservableType.URL, lower.substring(0, hostEnd) + part.substring(hostEnd)));
        }
    }

    private void email(String address) {
        int at = address.lastIndexOf('@');
        String local = address.substring(0, at);
        if (local.isEmpty() || local.length() > 64 || local.startsWith(".") || local.endsWith(".")
                || local.contains("..")) {
            return;
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "._%+-".indexOf(c) >= 0)) {
                return;
            }
        }
        String domain = Hosts.registrableDomain(address.substring(at + 1));
        if (domain != null) {
            emit(new Observable(ObservableType.EMAIL, local + "@" + domain));
        }
    }

    /** Hex runs of a hash's length standing alone, and CVE ids, anywhere in the part. */
    private void hexAndCves(String part) {
        int n = part.length();
        int i = 0;
        while (i < n && !stopped) {
            char c = part.charAt(i);
            if ((c == 'c' || c == 'C') && (i == 0 || !Character.isLetterOrDigit(part.charAt(i - 1)))
                    && part.regionMatches(true, i, "cve-", 0, 4)) {
                i = cve(part, i);
            } else if (isHex(c) && (i == 0 || !isWordOrJoiner(part.charAt(i - 1)))) {
                int end = i;
                while (end < n && isHex(part.charAt(end))) {
                    end++;
                }
                ObservableType type = ObservableType.hashOfLength(end - i);
                if (type != null && (end == n || !isWordOrJoiner(part.charAt(end))) && looksRandom(part, i, end)) {
                    emit(new Observable(type, part.substring(i, end).toLowerCase(Locale.ROOT)));
                }
                i = Math.max(end, i + 1);
            } else {
                i++;
            }
        }
    }

    /** {@code CVE-YYYY-NNNN…} (CVE id syntax: a year, then four or more digits); returns where to go on. */
    private int cve(String part, int start) {
        int n = part.length();
        int i = start + 4;
        int yearEnd = digits(part, i);
        if (yearEnd - i != 4 || yearEnd >= n || part.charAt(yearEnd) != '-') {
            return start + 4;
        }
        int year = Integer.parseInt(part, i, yearEnd, 10);
        int numberEnd = digits(part, yearEnd + 1);
        int numberLength = numberEnd - yearEnd - 1;
        if (year < 1999 || year > 2100 || numberLength < 4 || numberLength > 7
                || (numberEnd < n && Character.isLetterOrDigit(part.charAt(numberEnd)))) {
            return Math.max(numberEnd, start + 4);
        }
        emit(new Observable(ObservableType.CVE, "CVE-" + part.substring(i, numberEnd)));
        return numberEnd;
    }

    private static int digits(String s, int from) {
        int i = from;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
        return i;
    }

    /**
     * A digest has letters and digits both and many distinct characters; a run of zeros, a decimal number or
     * "deadbeef…" repeated does not.
     */
    private static boolean looksRandom(String s, int from, int to) {
        boolean letter = false;
        boolean digit = false;
        int seen = 0;
        for (int i = from; i < to; i++) {
            char c = Character.toLowerCase(s.charAt(i));
            if (c >= 'a') {
                letter = true;
            } else {
                digit = true;
            }
            seen |= 1 << Character.digit(c, 16);
        }
        return letter && digit && Integer.bitCount(seen) >= 10 && longestRun(s, from, to) <= 8;
    }

    /** The longest run of one repeated character: a digest's is a few; a padded number's is dozens of zeros. */
    private static int longestRun(String s, int from, int to) {
        int longest = 1;
        int run = 1;
        for (int i = from + 1; i < to; i++) {
            run = Character.toLowerCase(s.charAt(i)) == Character.toLowerCase(s.charAt(i - 1)) ? run + 1 : 1;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /** Characters that glue a hex run to something larger: letters, digits, {@code _ - . /}. */
    private static boolean isWordOrJoiner(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '\\';
    }

    private static int count(String s, char c) {
        int k = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                k++;
            }
        }
        return k;
    }

    private void emit(Observable candidate) {
        if (!stopped && !sink.accept(candidate)) {
            stopped = true;
        }
    }
}

package io.emailintel.ingester.observables;

import com.google.common.net.InetAddresses;
import com.google.common.net.InternetDomainName;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.Set;

/**
 * What counts as a public host: IP addresses outside the special-purpose ranges, and domain names under a
 * registry suffix of the public suffix list. Guava's {@link InternetDomainName} carries the list (updated with
 * each Guava release) and {@link InetAddresses} parses literals without any DNS lookup.
 */
final class Hosts {

    /**
     * IPv4 special-purpose ranges (RFC 6890 and the IANA IPv4 Special-Purpose Address Registry): "this network",
     * private, shared (CGN), loopback, link-local, IETF protocol assignments, the three documentation nets,
     * 6to4 relay anycast, benchmarking, multicast, reserved and broadcast. As {network, prefix length}.
     */
    private static final long[][] IPV4_SPECIAL = {
            {ip(0, 0, 0, 0), 8}, {ip(10, 0, 0, 0), 8}, {ip(100, 64, 0, 0), 10}, {ip(127, 0, 0, 0), 8},
            {ip(169, 254, 0, 0), 16}, {ip(172, 16, 0, 0), 12}, {ip(192, 0, 0, 0), 24}, {ip(192, 0, 2, 0), 24},
            {ip(192, 88, 99, 0), 24}, {ip(192, 168, 0, 0), 16}, {ip(198, 18, 0, 0), 15},
            {ip(198, 51, 100, 0), 24}, {ip(203, 0, 113, 0), 24}, {ip(224, 0, 0, 0), 4}, {ip(240, 0, 0, 0), 4},
    };

    /**
     * Reserved names that never resolve on the Internet (RFC 2606, RFC 6761, RFC 6762, RFC 8375, RFC 9476):
     * documentation examples and local-only TLDs.
     */
    private static final Set<String> RESERVED_TLDS = Set.of("example", "test", "invalid", "localhost", "local",
            "internal", "home", "lan", "corp", "arpa", "alt", "onion");
    private static final Set<String> RESERVED_DOMAINS = Set.of("example.com", "example.net", "example.org",
            "example.edu", "home.arpa");

    private Hosts() {
    }

    private static long ip(int a, int b, int c, int d) {
        return ((long) a << 24) | (b << 16) | (c << 8) | d;
    }

    /** A strict dotted quad (four decimal parts 0–255, no leading zeros), as an unsigned 32-bit value, or -1. */
    static long parseIpv4(String s) {
        int n = s.length();
        if (n < 7 || n > 15) {
            return -1;
        }
        long value = 0;
        int parts = 0;
        int i = 0;
        while (i <= n) {
            int start = i;
            int part = 0;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                part = part * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || part > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return -1;
            }
            value = (value << 8) | part;
            parts++;
            if (i == n) {
                break;
            }
            if (s.charAt(i) != '.' || parts == 4) {
                return -1;
            }
            i++;
        }
        return parts == 4 ? value : -1;
    }

    static boolean isPublicIpv4(long ip) {
        for (long[] range : IPV4_SPECIAL) {
            long mask = (0xFFFFFFFFL << (32 - range[1])) & 0xFFFFFFFFL;
            if ((ip & mask) == range[0]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The canonical text of a global unicast IPv6 address (2000::/3, RFC 4291), or null: every other range is
     * loopback, link-local, unique-local, multicast or otherwise not routable. Inside it, the IETF protocol
     * assignments (2001::/23: Teredo, benchmarking, ORCHID), the documentation prefixes (2001:db8::/32,
     * 3fff::/20) and 6to4 (2002::/16) are left out too.
     */
    static String publicIpv6(String s) {
        if (s.indexOf(':') < 0 || s.length() > 45 || !InetAddresses.isInetAddress(s)) {
            return null;
        }
        InetAddress address = InetAddresses.forString(s);
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        int first = ((b[0] & 0xFF) << 8) | (b[1] & 0xFF);
        int second = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        if ((first & 0xE000) != 0x2000 || (first == 0x2001 && second < 0x0200) || (first == 0x2001 && second == 0x0db8)
                || first == 0x2002 || (first & 0xFFF0) == 0x3FF0) {
            return null;
        }
        return InetAddresses.toAddrString(address);
    }

    /** True for a literal IPv4 in text form (used to tell a URL's host apart). */
    static boolean isIpv4Literal(String s) {
        return parseIpv4(s) >= 0;
    }

    /**
     * The domain lower-cased if it is a syntactically valid name under a registry suffix of the public suffix
     * list (so {@code evil.co.uk} and {@code a.b.evil.com}, not {@code co.uk}, {@code readme.txt} or
     * {@code 1.2.3}), and not a reserved name; else null.
     */
    static String registrableDomain(String candidate) {
        int n = candidate.length();
        if (n < 4 || n > 253) {
            return null;
        }
        int lastDot = candidate.lastIndexOf('.');
        if (lastDot <= 0 || lastDot == n - 1) {
            return null;
        }
        // cheap pre-checks before the suffix list: ASCII labels of letters, digits and hyphens, a TLD of letters
        // (or an IDN's xn--) of at least two characters
        for (int i = 0; i < n; i++) {
            char c = candidate.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.')) {
                return null;
            }
        }
        String tld = candidate.substring(lastDot + 1).toLowerCase(Locale.ROOT);
        if (tld.length() < 2 || !(tld.chars().allMatch(Character::isLetter) || tld.startsWith("xn--"))) {
            return null;
        }
        String lower = candidate.toLowerCase(Locale.ROOT);
        if (RESERVED_TLDS.contains(tld) || isUnder(lower, RESERVED_DOMAINS)) {
            return null;
        }
        if (!InternetDomainName.isValid(lower)) {
            return null;
        }
        InternetDomainName name = InternetDomainName.from(lower);
        return name.isUnderRegistrySuffix() ? lower : null;
    }

    static String tld(String domain) {
        return domain.substring(domain.lastIndexOf('.') + 1);
    }

    /** True when {@code domain} is one of {@code suffixes} or a subdomain of one. */
    static boolean isUnder(String domain, Set<String> suffixes) {
        if (suffixes.isEmpty()) {
            return false;
        }
        String d = domain;
        while (true) {
            if (suffixes.contains(d)) {
                return true;
            }
            int dot = d.indexOf('.');
            if (dot < 0) {
                return false;
            }
            d = d.substring(dot + 1);
        }
    }
}

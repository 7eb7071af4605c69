package io.emailintel.ingester.observables;

import com.google.common.net.InetAddresses;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Values never reported as observables. Built in: the non-routable ranges and reserved names ({@link Hosts}),
 * and {@link #DEFAULT_DOMAINS}, the reference and infrastructure sites that advisories link to on every page
 * (for domains and URLs only).
 * Per e-mail: the mailbox's and the sender's own addresses and domains. From the operator: a file with one entry
 * per line — an IP or CIDR range ({@code 203.0.113.0/24}, {@code 2001:db8::/32}), a domain (that domain and
 * its subdomains; {@code .corp.example} and {@code *.corp.example} mean the same), or any other value (an
 * address, URL, hash or CVE id, matched exactly ignoring case); {@code #} starts a comment.
 */
public final class Exclusions {

    /**
     * Sites advisories cite as references or that mail clients add to every message (Outlook's Safe Links,
     * Office, schema URLs of HTML and Office documents): reporting them as observables would attach the same
     * handful of benign domains to every report. Deliberately short; extend it with the exclusion file.
     */
    static final Set<String> DEFAULT_DOMAINS = Set.of("mitre.org", "nist.gov", "cisa.gov", "us-cert.gov",
            "first.org", "w3.org", "schema.org", "openxmlformats.org", "xmlsoap.org", "purl.org", "microsoft.com",
            "outlook.com", "office.com", "office365.com", "live.com", "aka.ms", "google.com", "gstatic.com",
            "apple.com", "mozilla.org", "wikipedia.org", "linkedin.com", "twitter.com", "x.com", "facebook.com",
            "youtube.com");

    /** The operator's domains: they apply to e-mail addresses too (the built-in list does not: a phishing
     * sender at outlook.com is an indicator, a link to outlook.com is not). */
    private final Set<String> domains;
    private final Set<String> values;
    private final List<Cidr> ranges;

    private Exclusions(Set<String> domains, Set<String> values, List<Cidr> ranges) {
        this.domains = Set.copyOf(domains);
        this.values = Set.copyOf(values);
        this.ranges = List.copyOf(ranges);
    }

    /** The built-in exclusions only. */
    public static Exclusions defaults() {
        return new Exclusions(Set.of(), Set.of(), List.of());
    }

    /** The built-in exclusions plus an operator's file; a bad line fails with its number. */
    public static Exclusions load(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    static Exclusions parse(List<String> lines, String where) {
        Set<String> domains = new HashSet<>();
        Set<String> values = new HashSet<>();
        List<Cidr> ranges = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String entry = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (entry.isEmpty()) {
                continue;
            }
            String lower = entry.toLowerCase(Locale.ROOT);
            int slash = lower.indexOf('/');
            if (slash > 0 && InetAddresses.isInetAddress(lower.substring(0, slash))) {
                ranges.add(Cidr.parse(lower, slash, where + " line " + (i + 1)));
            } else if (InetAddresses.isInetAddress(lower)) {
                InetAddress a = InetAddresses.forString(lower);
                ranges.add(new Cidr(a.getAddress(), a.getAddress().length * 8));
            } else if (lower.startsWith("*.") || lower.startsWith(".")) {
                domains.add(lower.substring(lower.indexOf('.') + 1));
            } else if (!lower.contains("/") && !lower.contains("@") && lower.contains(".")
                    && Hosts.registrableDomain(lower) != null) {
                domains.add(lower);
            } else {
                values.add(lower);
            }
        }
        return new Exclusions(domains, values, ranges);
    }

    /**
     * Whether {@code o} is left out for an e-mail whose own (mailbox, sender, recipients) addresses and domains
     * are given, lower-cased.
     */
    boolean excludes(Observable o, Set<String> ownAddresses, Set<String> ownDomains) {
        String v = o.value().toLowerCase(Locale.ROOT);
        if (values.contains(v)) {
            return true;
        }
        return switch (o.type()) {
            case IPV4, IPV6 -> inRanges(v);
            case DOMAIN -> excludedDomain(v, ownDomains) || Hosts.isUnder(v, DEFAULT_DOMAINS);
            case EMAIL -> ownAddresses.contains(v) || excludedDomain(v.substring(v.lastIndexOf('@') + 1), ownDomains);
            case URL -> {
                String host = Urls.host(v);
                yield host == null || (host.indexOf(':') >= 0 || Hosts.isIpv4Literal(host) ? inRanges(host)
                        : excludedDomain(host, ownDomains) || Hosts.isUnder(host, DEFAULT_DOMAINS));
            }
            default -> false;
        };
    }

    private boolean excludedDomain(String domain, Set<String> ownDomains) {
        return Hosts.isUnder(domain, domains) || Hosts.isUnder(domain, ownDomains);
    }

    private boolean inRanges(String ip) {
        if (ranges.isEmpty() || !InetAddresses.isInetAddress(ip)) {
            return false;
        }
        byte[] address = InetAddresses.forString(ip).getAddress();
        for (Cidr range : ranges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** An address range; IPv4 and IPv6 are kept apart by their byte length. */
    private record Cidr(byte[] network, int prefix) {

        static Cidr parse(String entry, int slash, String where) {
            byte[] network = InetAddresses.forString(entry.substring(0, slash)).getAddress();
            int prefix;
            try {
                prefix = Integer.parseInt(entry.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": not a CIDR range: " + entry);
            }
            if (prefix < 0 || prefix > network.length * 8) {
                throw new IllegalArgumentException(where + ": prefix length out of range: " + entry);
            }
            return new Cidr(network, prefix);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}

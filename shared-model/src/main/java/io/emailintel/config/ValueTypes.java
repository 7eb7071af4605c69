package io.emailintel.config;

import io.emailintel.tls.TlsTrust;
import io.emailintel.topology.BrokerUri;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** The value types settings use. Each says, in its {@code expected} text, what an operator should write. */
public final class ValueTypes {

    private ValueTypes() {
    }

    public static final ValueType<String> STRING = new ValueType<>("string", "a non-empty string", s -> {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        return s;
    });

    public static final ValueType<Integer> POSITIVE_INT = new ValueType<>("integer", "a whole number >= 1", s -> {
        int v = Integer.parseInt(s);
        if (v < 1) {
            throw new IllegalArgumentException("must be positive");
        }
        return v;
    });

    public static final ValueType<Integer> PORT = new ValueType<>("port", "a TCP port from 0 to 65535", s -> {
        int v = Integer.parseInt(s);
        if (v < 0 || v > 65535) {
            throw new IllegalArgumentException("out of range");
        }
        return v;
    });

    public static final ValueType<Long> BYTES = new ValueType<>("bytes",
            "a size in bytes, optionally with a unit: 1048576, 512KiB, 10MiB, 1GiB", ValueTypes::parseBytes);

    public static final ValueType<Boolean> BOOLEAN = new ValueType<>("boolean", "true or false", s -> {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> {
                return true;
            }
            case "false", "no", "0", "off" -> {
                return false;
            }
            default -> throw new IllegalArgumentException("not a boolean");
        }
    });

    /** ISO-8601 duration; days are accepted ({@code P30D}), as are weeks ({@code P2W}). */
    public static final ValueType<Duration> DURATION = new ValueType<>("duration",
            "an ISO-8601 duration such as PT1H, PT30S or P30D", ValueTypes::parseDuration);

    public static final ValueType<List<Duration>> DURATION_LIST = new ValueType<>("list of durations",
            "comma-separated ISO-8601 durations such as PT10S,PT1M,PT10M", s -> {
                List<Duration> out = new ArrayList<>();
                for (String part : s.split(",")) {
                    if (!part.isBlank()) {
                        out.add(parseDuration(part.strip()));
                    }
                }
                return List.copyOf(out);
            });

    public static final ValueType<List<String>> STRING_LIST = new ValueType<>("list",
            "a comma-separated list", s -> {
                List<String> out = new ArrayList<>();
                for (String part : s.split(",")) {
                    if (!part.isBlank()) {
                        out.add(part.strip());
                    }
                }
                if (out.isEmpty()) {
                    throw new IllegalArgumentException("empty list");
                }
                return List.copyOf(out);
            });

    public static final ValueType<UUID> UUID_TYPE = new ValueType<>("UUID",
            "a UUID such as 7e4f5a5c-9a3b-4c1e-8f2d-0a1b2c3d4e5f", s -> {
                if (!Pattern.matches("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", s)) {
                    throw new IllegalArgumentException("not a UUID");
                }
                return UUID.fromString(s);
            });

    /** An absolute http(s) URL. */
    public static final ValueType<URI> HTTP_URL = new ValueType<>("URL",
            "an absolute http:// or https:// URL", s -> {
                URI uri = URI.create(s);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                    throw new IllegalArgumentException("not an http(s) URL");
                }
                return uri;
            });

    public static final ValueType<BrokerUri> BROKER_URI = new ValueType<>("AMQP URI",
            "amqp://user:pass@host:5672/vhost or amqps://…; several hosts as host1:5672,host2:5672",
            BrokerUri::parse);

    public static final ValueType<Path> PATH = new ValueType<>("path", "a file system path", Path::of);

    /** A readable PEM file of CA certificates, loaded when the configuration is, so a bad file stops the start. */
    public static final ValueType<TlsTrust> CA_FILE = new ValueType<>("PEM file",
            "a readable PEM file with at least one certificate (-----BEGIN CERTIFICATE-----)",
            s -> TlsTrust.withCaFile(Path.of(s)));

    /** One of a fixed set of words, compared case-insensitively; the value is the lower-cased word. */
    public static ValueType<String> oneOf(String... choices) {
        Set<String> allowed = Set.of(choices);
        String list = String.join(", ", choices);
        return new ValueType<>("one of " + list, "one of: " + list, s -> {
            String v = s.toLowerCase(Locale.ROOT);
            if (!allowed.contains(v)) {
                throw new IllegalArgumentException("not allowed");
            }
            return v;
        });
    }

    static Duration parseDuration(String s) {
        String upper = s.toUpperCase(Locale.ROOT);
        int t = upper.indexOf('T');
        String datePart = t < 0 ? upper : upper.substring(0, t);
        // Duration.parse takes days but not weeks/months/years; Period covers the date part for weeks.
        if (datePart.contains("W") && t < 0) {
            Period p = Period.parse(upper);
            if (p.getMonths() != 0 || p.getYears() != 0) {
                throw new IllegalArgumentException("months and years have no fixed length");
            }
            return Duration.ofDays(p.getDays());
        }
        Duration d = Duration.parse(upper);
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative");
        }
        return d;
    }

    static long parseBytes(String s) {
        String t = s.strip();
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("no number");
        }
        long n = Long.parseLong(t.substring(0, i));
        String unit = t.substring(i).strip().toLowerCase(Locale.ROOT);
        long factor = switch (unit) {
            case "", "b" -> 1L;
            case "k", "kb", "kib" -> 1024L;
            case "m", "mb", "mib" -> 1024L * 1024;
            case "g", "gb", "gib" -> 1024L * 1024 * 1024;
            default -> throw new IllegalArgumentException("unknown unit " + unit);
        };
        return Math.multiplyExact(n, factor);
    }
}
